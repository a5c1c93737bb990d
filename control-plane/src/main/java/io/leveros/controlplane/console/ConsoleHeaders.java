package io.leveros.controlplane.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The security headers of the console's pages and assets: a Content-Security-Policy that runs only
 * the control plane's own script and style and lets the page connect only to the control plane and
 * the ingress it sends calls to, no sniffing, no referrer, no framing. The API, actuator and
 * OpenAPI paths answer JSON and keep their own headers.
 */
final class ConsoleHeaders extends OncePerRequestFilter {
    private final String contentSecurityPolicy;

    ConsoleHeaders(ConsoleSettings settings) {
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                + " connect-src 'self' " + settings.ingressUrl() + " " + settings.webSocketUrl() + ";"
                + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.startsWith("/api/")
                || path.startsWith("/actuator")
                || path.startsWith("/v3/")
                || path.startsWith("/swagger-ui");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        chain.doFilter(request, response);
    }
}
