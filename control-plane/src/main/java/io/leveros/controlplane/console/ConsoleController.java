package io.leveros.controlplane.console;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.security.Caller;
import io.leveros.controlplane.security.ConsoleSessions;
import io.leveros.controlplane.security.FailedAuthentications;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signs a browser in to the console: {@code POST /api/v1/console/sign-in-codes} (with a token, for
 * {@code lever console}), {@code /console/session} (a code or a token in, a session cookie out; read;
 * sign out), and {@code GET /api/v1/console/settings} (where the page sends calls).
 */
@RestController
class ConsoleController {
    private final ConsoleSessions sessions;
    private final FailedAuthentications failures;
    private final AuditLog audit;
    private final ConsoleSettings settings;

    ConsoleController(
            ConsoleSessions sessions, FailedAuthentications failures, AuditLog audit, ConsoleSettings settings) {
        this.sessions = sessions;
        this.failures = failures;
        this.audit = audit;
        this.settings = settings;
    }

    /** @param link the console's address with the code, relative to the control plane's */
    record SignInLink(String code, Instant expiresAt, String link) {}

    /** Exactly one of the two. */
    record SignIn(String code, String token) {}

    record Session(String name, String scope, Instant expiresAt) {}

    @PostMapping("/api/v1/console/sign-in-codes")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "A one-time code that signs a browser in to the console as the calling token (2 minutes)")
    SignInLink signInCode(HttpServletRequest request) {
        ConsoleSessions.SignInCode code = sessions.issueCode(Caller.of(request));
        return new SignInLink(code.code(), code.expiresAt(), "/#/sign-in?code=" + code.code());
    }

    @GetMapping("/api/v1/console/settings")
    @Operation(summary = "What the console needs to know: where it sends calls to services")
    ConsoleSettings settings() {
        return settings;
    }

    @PostMapping("/console/session")
    @Operation(summary = "Sign in with a one-time code or a token; answers a session cookie")
    ResponseEntity<Session> signIn(@RequestBody SignIn body, HttpServletRequest request) {
        String address = request.getRemoteAddr();
        long seconds = failures.retryAfterSeconds(address);
        if (seconds > 0) {
            throw new ControlPlaneException(
                    ErrorCode.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "too many failed authentications from " + address + " recently; try again in " + seconds + " s");
        }
        boolean byCode = body.code() != null && !body.code().isBlank();
        if (byCode == (body.token() != null && !body.token().isBlank())) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST,
                    "send either a sign-in code or a token (expected: {\"code\": \"lvc_…\"} or {\"token\": \"…\"})");
        }
        Optional<ConsoleSessions.SignedIn> signedIn = byCode
                ? sessions.signInWithCode(body.code().trim())
                : sessions.signInWithToken(body.token().trim());
        String how = byCode ? "sign-in code" : "token";
        if (signedIn.isEmpty()) {
            failures.failed(address);
            audit.record(null, "console.sign-in", how, address, Outcome.REFUSED, "UNAUTHORIZED");
            throw new ControlPlaneException(
                    ErrorCode.UNAUTHORIZED,
                    byCode
                            ? "this sign-in code is not valid: it was used already, is older than "
                                    + ConsoleSessions.CODE_LIFETIME.toMinutes()
                                    + " minutes, or is mistyped; run lever console for a new link"
                            : "this is not a token of this control plane (mistyped, revoked, or from another data"
                                    + " dir); the local one is in ~/.lever/token");
        }
        ConsoleSessions.SignedIn session = signedIn.get();
        audit.record(session.caller().token(), "console.sign-in", how, address, Outcome.OK, null);
        ResponseCookie cookie = ResponseCookie.from(ConsoleSessions.COOKIE, session.sessionId())
                .path("/")
                .httpOnly(true)
                .sameSite("Strict")
                .secure(request.isSecure())
                .maxAge(ConsoleSessions.SESSION_LIFETIME)
                .build();
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, cookie.toString())
                .body(new Session(
                        session.caller().token(), session.caller().scope().label(), session.expiresAt()));
    }

    @GetMapping("/console/session")
    @Operation(summary = "Who the browser's console session acts as; 401 without one")
    Session session(@CookieValue(name = ConsoleSessions.COOKIE, required = false) String sessionId) {
        if (sessionId != null) {
            Optional<Caller> caller = sessions.caller(sessionId);
            Optional<Instant> expiresAt = sessions.expiresAt(sessionId);
            if (caller.isPresent() && expiresAt.isPresent()) {
                return new Session(caller.get().token(), caller.get().scope().label(), expiresAt.get());
            }
        }
        throw new ControlPlaneException(ErrorCode.UNAUTHORIZED, "not signed in to the console");
    }

    @DeleteMapping("/console/session")
    @Operation(summary = "Sign the browser's console session out")
    ResponseEntity<Void> signOut(
            @CookieValue(name = ConsoleSessions.COOKIE, required = false) String sessionId,
            HttpServletResponse response) {
        if (sessionId != null) {
            sessions.end(sessionId);
        }
        ResponseCookie cleared = ResponseCookie.from(ConsoleSessions.COOKIE, "")
                .path("/")
                .httpOnly(true)
                .sameSite("Strict")
                .maxAge(0)
                .build();
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, cleared.toString())
                .build();
    }
}
