package io.leveros.controlplane.security;

/**
 * Which {@link Permission} a call needs, from its method and (decoded) path alone. API paths it does
 * not know need {@code admin}: a new endpoint is closed until it is classified here.
 */
public final class AccessRules {
    private AccessRules() {}

    public static Permission required(String method, String path) {
        if (path.equals("/api") || path.startsWith("/api/")) {
            return api(method, path.split("/", -1));
        }
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
            return Permission.OPEN;
        }
        if (path.equals("/actuator/prometheus")) {
            return Permission.READ;
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return Permission.ADMIN;
        }
        return Permission.OPEN; // OpenAPI, Swagger UI, and the console's static files
    }

    /** {@code segments} of {@code /api/v1/...}: {@code ["", "api", "v1", ...]}. */
    private static Permission api(String method, String[] segments) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (segments.length < 4 || !segments[2].equals("v1")) {
            return Permission.ADMIN;
        }
        switch (segments[3]) {
            case "environments" -> {
                if (read && segments.length == 8 && segments[7].equals("logs")) {
                    return new Permission.Deploy(segments[4]); // output may hold what a reader should not see
                }
                if (read) {
                    return Permission.READ;
                }
                if (method.equals("POST") && segments.length == 6 && segments[5].equals("deployments")) {
                    return new Permission.Deploy(segments[4]);
                }
                if (method.equals("POST") && segments.length == 8 && segments[7].equals("rollback")) {
                    return new Permission.Deploy(segments[4]);
                }
                if (method.equals("PUT") && segments.length == 8 && segments[7].equals("traffic")) {
                    return new Permission.Deploy(segments[4]);
                }
            }
            case "console" -> {
                // a sign-in code acts as the token that asked for it, so any token may ask
                if (segments.length == 5
                        && ((method.equals("POST") && segments[4].equals("sign-in-codes"))
                                || (read && segments[4].equals("settings")))) {
                    return Permission.READ;
                }
            }
            case "scaling", "cluster" -> {
                if (read && segments.length == 4) {
                    return Permission.READ;
                }
            }
            default -> {
                // tokens, audit, nodes and anything new: admin
            }
        }
        return Permission.ADMIN;
    }
}
