package io.leveros.controlplane.security;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The path {@link AccessRules} classify a call by: the servlet container's, decoded and normalised. Spring
 * matches controllers against the path as sent instead (decoded per segment, path parameters dropped, not
 * normalised), so a call whose two differ ({@code .} or {@code ..} segments) must be refused rather than
 * classified by one and routed by the other.
 */
final class RequestPath {
    private static final Pattern PATH_PARAMETERS = Pattern.compile(";[^/]*");

    private RequestPath() {}

    /** The decoded, normalised path within the application. */
    static String of(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo;
    }

    /** Whether {@code requestUri} as sent, decoded and without path parameters, is {@code path}. */
    static boolean sameAsSent(String requestUri, String contextPath, String path) {
        String sent = requestUri.substring(contextPath.length());
        if (sent.indexOf(';') >= 0) {
            sent = PATH_PARAMETERS.matcher(sent).replaceAll("");
        }
        return URLDecoder.decode(sent.replace("+", "%2B"), StandardCharsets.UTF_8)
                .equals(path);
    }
}
