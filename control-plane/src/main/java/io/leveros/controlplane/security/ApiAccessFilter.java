package io.leveros.controlplane.security;

import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a request through only with a token that {@link AccessRules} says is enough for it, and tells
 * the controllers who made it ({@link Caller#of}). Answers 400 to a path that is not normalised, 429 to an address with too many recent
 * failed authentications, 401 without a valid token, 403 when the token's scope is not enough; audits
 * the 401s and 403s.
 */
public final class ApiAccessFilter extends OncePerRequestFilter {
    private static final String PREFIX = "Bearer ";
    private static final JsonMapper JSON = new JsonMapper();
    private static final Pattern PATH_PARAMETERS = Pattern.compile(";[^/]*");

    private final TokenRegistry tokens;
    private final FailedAuthentications failures;
    private final AuditLog audit;
    private final Path rootTokenFile;

    public ApiAccessFilter(TokenRegistry tokens, FailedAuthentications failures, AuditLog audit, Path rootTokenFile) {
        this.tokens = tokens;
        this.failures = failures;
        this.audit = audit;
        this.rootTokenFile = rootTokenFile;
    }

    private record ErrorBody(String code, String message) {}

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = path(request);
        String call = request.getMethod() + " " + path;
        Permission required = AccessRules.required(request.getMethod(), path);
        if (required instanceof Permission.Open) {
            chain.doFilter(request, response);
            return;
        }
        if (!sameAsSent(request, path)) {
            answer(
                    response,
                    ErrorCode.MALFORMED_REQUEST,
                    call + ": the path has '.' or '..' segments or doubled"
                            + " slashes (expected: a plain path such as /api/v1/environments)");
            return;
        }
        String address = request.getRemoteAddr();
        Duration wait = failures.retryAfter(address);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
            answer(
                    response,
                    ErrorCode.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "too many failed authentications from "
                            + address + " recently; try again in " + seconds
                            + " s, with a valid token (the local CLI reads"
                            + " it from " + rootTokenFile + ")");
            return;
        }
        String header = request.getHeader("Authorization");
        String problem;
        Caller caller = null;
        if (header == null || header.isBlank()) {
            problem = "missing the header 'Authorization: Bearer <token>'";
        } else if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            problem = "the Authorization header is not a bearer token (expected: 'Bearer <token>')";
        } else {
            caller = tokens.authenticate(header.substring(PREFIX.length()).trim())
                    .orElse(null);
            problem = "the bearer token is not a token of this control plane (mistyped, revoked, or from another"
                    + " data dir)";
        }
        if (caller == null) {
            failures.failed(address);
            String message = call + " needs a token with " + required.describe() + ": " + problem
                    + "; the local CLI reads the token from " + rootTokenFile + " (or --token, LEVEROS_TOKEN)";
            audit.record(null, "authenticate", call, address, Outcome.REFUSED, "UNAUTHORIZED: " + problem);
            response.setHeader("WWW-Authenticate", "Bearer");
            answer(response, ErrorCode.UNAUTHORIZED, message);
            return;
        }
        if (!caller.allows(required)) {
            String message = call + " needs a token with " + required.describe() + "; " + caller.describe()
                    + " is not enough (an admin can make one with: lever tokens create <name> --scope ...)";
            audit.record(caller.token(), "authorize", call, address, Outcome.REFUSED, "FORBIDDEN: " + message);
            answer(response, ErrorCode.FORBIDDEN, message);
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The decoded, normalised path the controllers are matched against. */
    private static String path(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo;
    }

    /**
     * Whether the path as sent (decoded, path parameters dropped) is {@code path}, the one the servlet
     * container normalised: Spring matches controllers against the former, these rules the latter, so a
     * call whose two differ is refused rather than classified by one and routed by the other.
     */
    private static boolean sameAsSent(HttpServletRequest request, String path) {
        String sent = request.getRequestURI().substring(request.getContextPath().length());
        if (sent.indexOf(';') >= 0) {
            sent = PATH_PARAMETERS.matcher(sent).replaceAll("");
        }
        return URLDecoder.decode(sent.replace("+", "%2B"), StandardCharsets.UTF_8)
                .equals(path);
    }

    private static void answer(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        response.setStatus(code.status());
        response.setContentType("application/json");
        response.getOutputStream().write(JSON.writeValueAsBytes(new ErrorBody(code.name(), message)));
    }
}
