package io.leveros.core.url;

import java.util.Objects;

/**
 * The address of a Lever method: {@code lever://<env>/<service>[/<resource>]/<method>}, or the
 * relative form {@code /<service>[/<resource>]/<method>} which has no environment.
 *
 * <p>The service is the text before the first {@code /} of the path, the method the text after
 * the last one, and the resource everything in between, so a resource may itself contain {@code
 * /}.
 *
 * @param environment the environment, or {@code null} for a relative URL
 * @param service the service name, never empty
 * @param resource the resource, or {@code ""} when the URL names none
 * @param method the method name, never empty
 */
public record LeverUrl(String environment, String service, String resource, String method) {

    private static final String SCHEME = "lever://";

    public LeverUrl {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        resource = resource == null ? "" : resource;
    }

    /**
     * Parses an absolute or relative Lever URL.
     *
     * @throws InvalidLeverUrlException naming what is wrong with {@code text}
     */
    public static LeverUrl parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidLeverUrlException(
                    "empty Lever URL (expected: lever://<env>/<service>/<method> or /<service>/<method>)");
        }
        if (text.startsWith(SCHEME)) {
            String rest = text.substring(SCHEME.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                throw new InvalidLeverUrlException(
                        "'" + text + "' names no environment or no path (expected: lever://<env>/<service>/<method>)");
            }
            String environment = stripPort(rest.substring(0, slash));
            return parsePath(text, environment, rest.substring(slash + 1));
        }
        int colon = text.indexOf("://");
        if (colon >= 0) {
            throw new InvalidLeverUrlException("'" + text + "' has the scheme '" + text.substring(0, colon)
                    + "' (expected: lever:// or a relative URL starting with /)");
        }
        if (!text.startsWith("/")) {
            throw new InvalidLeverUrlException("'" + text
                    + "' is not a Lever URL (expected: lever://<env>/<service>/<method> or /<service>/<method>)");
        }
        return parsePath(text, null, text.substring(1));
    }

    /**
     * Parses the path part of a URL, {@code <service>[/<resource>]/<method>}, without its leading
     * slash, for the given environment (which may be {@code null}).
     */
    public static LeverUrl parsePath(String original, String environment, String path) {
        int first = path.indexOf('/');
        int last = path.lastIndexOf('/');
        if (first < 0) {
            throw new InvalidLeverUrlException(
                    "'" + original + "' has no method (expected: <service>[/<resource>]/<method>)");
        }
        String service = path.substring(0, first);
        String method = path.substring(last + 1);
        if (service.isEmpty()) {
            throw new InvalidLeverUrlException("'" + original + "' has an empty service name");
        }
        if (method.isEmpty()) {
            throw new InvalidLeverUrlException("'" + original + "' has an empty method name");
        }
        String resource = first == last ? "" : path.substring(first + 1, last);
        return new LeverUrl(environment, service, resource, method);
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** Whether this URL names an environment. */
    public boolean isAbsolute() {
        return environment != null;
    }

    /** Whether this URL names a resource. */
    public boolean hasResource() {
        return !resource.isEmpty();
    }

    /** This URL in the given environment. */
    public LeverUrl withEnvironment(String env) {
        return Objects.equals(env, environment) ? this : new LeverUrl(env, service, resource, method);
    }

    /** Whether the method is a streaming one. */
    public boolean isStreaming() {
        return MethodNames.isStreaming(method);
    }

    /**
     * The URL as text. Like the original, an absolute URL always writes the resource slot
     * ({@code lever://env/svc//method}) so that the text round-trips through {@link #parse}.
     */
    @Override
    public String toString() {
        String path = service + "/" + (hasResource() ? resource + "/" : (isAbsolute() ? "/" : "")) + method;
        return isAbsolute() ? SCHEME + environment + "/" + path : "/" + path;
    }
}
