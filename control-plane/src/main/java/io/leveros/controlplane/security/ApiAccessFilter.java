package io.leveros.controlplane.security;

import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a request through only with a token that {@link AccessRules} says is enough for it, and tells
 * the controllers who made it ({@link Caller#of}). In order: 400 to a path that is not normalised
 * ({@link RequestPath}); without a valid token ({@link BearerAuthentication}) 401, or 429 from an
 * address with too many recent failed authentications ({@link FailedAuthentications}); 403 when the
 * token's scope is not enough. The web console's session cookie ({@link ConsoleSessions}) counts as
 * its token when no {@code Authorization} header is sent. The 401s and 403s are audited.
 */
public final class ApiAccessFilter extends OncePerRequestFilter {
    /**
     * A request authenticated by the console's session cookie ({@link ConsoleSessions}) that changes
     * something must also carry this header, which a cross-site form cannot send and a cross-site
     * script could only send after a CORS preflight that is never granted.
     */
    private static final String CONSOLE_HEADER = "X-Lever-Console";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");
    private static final JsonMapper JSON = new JsonMapper();

    private final BearerAuthentication bearer;
    private final ConsoleSessions sessions;
    private final FailedAuthentications failures;
    private final AuditLog audit;
    private final Path rootTokenFile;

    public ApiAccessFilter(
            TokenRegistry tokens,
            ConsoleSessions sessions,
            FailedAuthentications failures,
            AuditLog audit,
            Path rootTokenFile) {
        this.bearer = new BearerAuthentication(tokens);
        this.sessions = sessions;
        this.failures = failures;
        this.audit = audit;
        this.rootTokenFile = rootTokenFile;
    }

    private record ErrorBody(String code, String message) {}

    private BearerAuthentication.Result consoleAuthentication(String session) {
        return sessions.caller(session)
                .map(caller -> new BearerAuthentication.Result(caller, null))
                .orElseGet(() -> new BearerAuthentication.Result(
                        null,
                        "the console session has ended (signed out, expired, its token revoked, or the control"
                                + " plane restarted); sign in again with the link from: lever console"));
    }

    private static String sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(ConsoleSessions.COOKIE)
                    && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = RequestPath.of(request);
        String call = request.getMethod() + " " + path;
        Permission required = AccessRules.required(request.getMethod(), path);
        if (required instanceof Permission.Open) {
            chain.doFilter(request, response);
            return;
        }
        if (!RequestPath.sameAsSent(request.getRequestURI(), request.getContextPath(), path)) {
            answer(
                    response,
                    ErrorCode.MALFORMED_REQUEST,
                    call + ": the path has '.' or '..' segments or doubled slashes"
                            + " (expected: a plain path such as /api/v1/environments)");
            return;
        }
        String address = request.getRemoteAddr();
        String session = request.getHeader("Authorization") == null ? sessionCookie(request) : null;
        BearerAuthentication.Result authentication = session != null
                ? consoleAuthentication(session)
                : bearer.authenticate(request.getHeader("Authorization"));
        Caller caller = authentication.caller();
        if (caller == null) {
            refuse(request, response, call, required, authentication.problem());
            return;
        }
        if (session != null
                && !SAFE_METHODS.contains(request.getMethod())
                && !"1".equals(request.getHeader(CONSOLE_HEADER))) {
            String message = call + " with a console session needs the header '" + CONSOLE_HEADER
                    + ": 1' (the console sends it; a page of another site cannot)";
            audit.record(caller.token(), "authorize", call, address, Outcome.REFUSED, "FORBIDDEN: " + message);
            answer(response, ErrorCode.FORBIDDEN, message);
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

    /**
     * A call without a valid token: 401 and audited, or, from an address with too many recent
     * failures, 429 and not audited. Only failed calls are held back: a valid token always passes,
     * so a local process that fails on purpose cannot lock the CLI of its machine out (a token has
     * 256 random bits: the limit bounds the noise, not the guessing, which cannot succeed).
     */
    private void refuse(
            HttpServletRequest request, HttpServletResponse response, String call, Permission required, String problem)
            throws IOException {
        String address = request.getRemoteAddr();
        long seconds = failures.retryAfterSeconds(address);
        if (seconds > 0) {
            response.setHeader("Retry-After", Long.toString(seconds));
            answer(
                    response,
                    ErrorCode.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "too many failed authentications from " + address + " recently; try again in " + seconds
                            + " s, with a valid token (the local CLI reads it from " + rootTokenFile + ")");
            return;
        }
        failures.failed(address);
        String message = call + " needs a token with " + required.describe() + ": " + problem
                + "; the local CLI reads the token from " + rootTokenFile + " (or --token, LEVEROS_TOKEN)";
        audit.record(null, "authenticate", call, address, Outcome.REFUSED, "UNAUTHORIZED: " + problem);
        response.setHeader("WWW-Authenticate", "Bearer");
        answer(response, ErrorCode.UNAUTHORIZED, message);
    }

    private static void answer(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        response.setStatus(code.status());
        response.setContentType("application/json");
        response.getOutputStream().write(JSON.writeValueAsBytes(new ErrorBody(code.name(), message)));
    }
}
