package io.leveros.controlplane.security;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web console's sign-in (docs/console.md): one-time codes that a token holder hands to a browser
 * ({@code lever console}), and the sessions a browser gets for a code or a pasted token, carried in a
 * cookie. A session acts as the token that made it, looked up again on every use, so revoking the
 * token ends its sessions. Both live in this control plane's memory only (a restart signs everyone
 * out) and are kept by the SHA-256 of their secret, so a map look-up's timing reveals nothing useful.
 */
public final class ConsoleSessions {
    /** The session cookie's name. */
    public static final String COOKIE = "lever_console";
    /** How long a sign-in code may wait to be used. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(2);
    /** How long a session lasts. */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(12);

    static final String CODE_PREFIX = "lvc_";
    /** Bounds the memory a flood of sign-ins can take: beyond it the expired ones go, then new ones are refused. */
    private static final int MAX_ENTRIES = 10_000;

    private final TokenRegistry tokens;
    private final Clock clock;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> sessions = new ConcurrentHashMap<>();

    /** A code or a session: whose it is and until when it counts. */
    private record Grant(String tokenName, Instant expiresAt) {}

    /** A sign-in code to put in a link; good for one sign-in until {@code expiresAt}. */
    public record SignInCode(String code, Instant expiresAt) {}

    /** A session just begun: its cookie value, and who it acts as. */
    public record SignedIn(String sessionId, Caller caller, Instant expiresAt) {}

    public ConsoleSessions(TokenRegistry tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A one-time code that signs a browser in as {@code caller}. */
    public SignInCode issueCode(Caller caller) {
        String code = CODE_PREFIX + AccessToken.randomSecret();
        Instant expiresAt = clock.instant().plus(CODE_LIFETIME);
        put(codes, code, new Grant(caller.token(), expiresAt));
        return new SignInCode(code, expiresAt);
    }

    /** A session for an unused, unexpired code (which is used up either way); empty otherwise. */
    public Optional<SignedIn> signInWithCode(String code) {
        Grant grant = codes.remove(TokenRegistry.sha256(code));
        if (grant == null || !clock.instant().isBefore(grant.expiresAt())) {
            return Optional.empty();
        }
        return tokens.callerNamed(grant.tokenName()).map(this::begin);
    }

    /** A session for a token of this control plane; empty for anything else. */
    public Optional<SignedIn> signInWithToken(String token) {
        return tokens.authenticate(token).map(this::begin);
    }

    /** Who a session cookie acts as: empty when it is unknown, expired, or its token was revoked. */
    public Optional<Caller> caller(String sessionId) {
        String key = TokenRegistry.sha256(sessionId);
        Grant session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expiresAt())) {
            sessions.remove(key);
            return Optional.empty();
        }
        return tokens.callerNamed(session.tokenName());
    }

    /** When a session ends, if it is known. */
    public Optional<Instant> expiresAt(String sessionId) {
        return Optional.ofNullable(sessions.get(TokenRegistry.sha256(sessionId)))
                .map(Grant::expiresAt);
    }

    /** Signs a session out. */
    public void end(String sessionId) {
        sessions.remove(TokenRegistry.sha256(sessionId));
    }

    private SignedIn begin(Caller caller) {
        String sessionId = AccessToken.randomSecret();
        Instant expiresAt = clock.instant().plus(SESSION_LIFETIME);
        put(sessions, sessionId, new Grant(caller.token(), expiresAt));
        return new SignedIn(sessionId, caller, expiresAt);
    }

    private void put(Map<String, Grant> grants, String secret, Grant grant) {
        if (grants.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            grants.values().removeIf(g -> !now.isBefore(g.expiresAt()));
            if (grants.size() >= MAX_ENTRIES) {
                throw new ControlPlaneException(
                        ErrorCode.CONSOLE_BUSY,
                        "too many console sign-ins at once (" + MAX_ENTRIES + " unexpired); try again when some"
                                + " have expired (codes after " + CODE_LIFETIME.toMinutes() + " minutes)");
            }
        }
        grants.put(TokenRegistry.sha256(secret), grant);
    }
}
