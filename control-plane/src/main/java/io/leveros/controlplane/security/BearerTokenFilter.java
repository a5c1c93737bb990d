package io.leveros.controlplane.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a state-changing call ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) under {@code
 * /api/} through only with {@code Authorization: Bearer <token>}; answers 401 otherwise. Reads pass.
 */
public final class BearerTokenFilter extends OncePerRequestFilter {
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String PREFIX = "Bearer ";

    private final AccessToken token;

    public BearerTokenFilter(AccessToken token) {
        this.token = token;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !CHANGING.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        String problem;
        if (header == null || header.isBlank()) {
            problem = "missing the header 'Authorization: Bearer <token>'";
        } else if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            problem = "the Authorization header is not a bearer token (expected: 'Bearer <token>')";
        } else if (!token.matches(header.substring(PREFIX.length()))) {
            problem = "the bearer token is not this control plane's token";
        } else {
            chain.doFilter(request, response);
            return;
        }
        String message = request.getMethod() + " " + request.getRequestURI() + " changes state and needs the "
                + "control plane's token: " + problem + "; the local CLI reads the token from " + token.file();
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/json");
        response.getOutputStream().write(errorJson(message).getBytes(StandardCharsets.UTF_8));
    }

    private static String errorJson(String message) {
        StringBuilder json = new StringBuilder("{\"code\":\"UNAUTHORIZED\",\"message\":\"");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append("\"}").toString();
    }
}
