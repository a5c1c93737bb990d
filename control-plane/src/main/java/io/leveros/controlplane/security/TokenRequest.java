package io.leveros.controlplane.security;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.core.environment.EnvironmentNames;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A checked {@code POST /api/v1/tokens} body: {@code {"name": "ci", "scope": "deploy", "environments":
 * ["dev.lever"]}}.
 */
public record TokenRequest(String name, Scope scope, List<String> environments) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Set<String> FIELDS = Set.of("name", "scope", "environments");
    private static final String EXAMPLE =
            "{\"name\": \"ci\", \"scope\": \"deploy\", \"environments\": [\"dev.lever\"]}";

    /**
     * @throws ControlPlaneException {@code INVALID_TOKEN_REQUEST} naming the field, the value and what
     *     was expected
     */
    public static TokenRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("the request body must be a JSON object (expected e.g. " + EXAMPLE + ")");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw invalid(
                        "unknown field '" + field + "' (expected: name, scope and environments, e.g. " + EXAMPLE + ")");
            }
        }
        String name = body.path("name").isString() ? body.get("name").asString() : null;
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("token name " + (name == null ? shown(body.path("name")) : "'" + name + "'")
                    + " is not valid (expected: 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or"
                    + " digit, e.g. \"ci\")");
        }
        Scope scope = body.path("scope").isString() ? Scope.of(body.get("scope").asString()) : null;
        if (scope == null) {
            throw invalid("scope " + shown(body.path("scope")) + " of token '" + name
                    + "' is not valid (expected: \"read\"," + " \"deploy\" or \"admin\")");
        }
        return new TokenRequest(name, scope, environments(body.path("environments"), name, scope));
    }

    private static List<String> environments(JsonNode node, String name, Scope scope) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("'environments' of token '" + name + "' is " + node
                    + " (expected: an array of environment names, e.g. [\"dev.lever\"])");
        }
        if (!node.isEmpty() && scope != Scope.DEPLOY) {
            throw invalid("token '" + name + "' has scope " + scope.label() + ", which applies to every environment"
                    + " (expected: no 'environments', or scope \"deploy\" to limit it to " + node + ")");
        }
        Set<String> environments = new LinkedHashSet<>();
        for (JsonNode environment : node) {
            String problem = environment.isString() ? EnvironmentNames.problem(environment.asString()) : null;
            if (!environment.isString() || problem != null) {
                throw invalid("'environments' of token '" + name + "': "
                        + (problem != null ? problem : environment + " is not a string (expected: a host name)"));
            }
            environments.add(environment.asString());
        }
        return List.copyOf(environments);
    }

    private static String shown(JsonNode value) {
        return value.isMissingNode() ? "(missing)" : value.toString();
    }

    private static ControlPlaneException invalid(String message) {
        return new ControlPlaneException(ErrorCode.INVALID_TOKEN_REQUEST, message);
    }
}
