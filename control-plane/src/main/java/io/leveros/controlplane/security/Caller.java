package io.leveros.controlplane.security;

import jakarta.servlet.ServletRequest;
import java.util.List;

/**
 * The token a request was made with, as {@link ApiAccessFilter} found it; controllers read it with
 * {@link #of}.
 *
 * @param token the token's name ({@code root} for the built-in one)
 * @param environments the environments a deploy token may deploy to; empty = all
 */
public record Caller(String token, Scope scope, List<String> environments) {
    static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        environments = List.copyOf(environments);
    }

    /** The caller of a request the filter let through. */
    public static Caller of(ServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException(
                "no caller on this request (expected: a path under /api/, which ApiAccessFilter authenticates)");
    }

    /** Whether this token may make a call that needs {@code permission}. */
    public boolean allows(Permission permission) {
        return switch (permission) {
            case Permission.Open open -> true;
            case Permission.Read read -> true;
            case Permission.Deploy deploy -> maySeeSecretsOf(deploy.environment());
            case Permission.Admin admin -> scope == Scope.ADMIN;
        };
    }

    /** Whether this token may see lever.json {@code config} of {@code environment} unredacted. */
    public boolean maySeeSecretsOf(String environment) {
        return scope == Scope.ADMIN
                || (scope == Scope.DEPLOY && (environments.isEmpty() || environments.contains(environment)));
    }

    /** For messages, e.g. {@code token 'ci' (scope deploy for dev.lever)}. */
    public String describe() {
        String where = scope != Scope.DEPLOY
                ? ""
                : environments.isEmpty() ? " for every environment" : " for " + String.join(", ", environments);
        return "token '" + token + "' (scope " + scope.label() + where + ")";
    }
}
