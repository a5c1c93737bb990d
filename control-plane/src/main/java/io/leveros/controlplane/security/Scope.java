package io.leveros.controlplane.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a token may do; each scope includes the ones before it. */
public enum Scope {
    /** Every read of the API except tokens and audit; lever.json {@code config} values redacted. */
    READ,
    /** Read, plus deploying to the token's environments (all when it lists none), whose config it sees. */
    DEPLOY,
    /** Everything. */
    ADMIN;

    /** {@code read}, {@code deploy} or {@code admin}: the spelling in JSON, the CLI and messages. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope spelled {@code label}, or {@code null} if there is none. */
    public static Scope of(String label) {
        for (Scope scope : values()) {
            if (scope.label().equals(label)) {
                return scope;
            }
        }
        return null;
    }
}
