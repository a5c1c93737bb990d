package io.leveros.controlplane.node;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The cluster join tokens: an admin makes one ({@code lever nodes join-token}), a new node trades it
 * for its node credential ({@code Routing/JoinCluster}), so the admin token never goes to a node. A
 * token is {@code lvj_} + 32 random bytes (base64url), shown once, kept as its SHA-256 only
 * ({@link JoinTokenStore}: a file, or Redis so every control plane of a cluster knows it); it joins
 * any number of nodes until it expires or is revoked.
 *
 * <p>Thread-safety: the store is read on every use (joins are rare) and each change is one store
 * operation.
 */
public final class JoinTokens {
    static final String PREFIX = "lvj_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the listing shows of a join token (never the secret).
     *
     * @param id a short name for revoking it: {@code j-} + the first 10 hex digits of its hash
     * @param createdBy the name of the REST token that made it
     */
    public record JoinTokenInfo(String id, Instant createdAt, String createdBy, Instant expiresAt) {}

    /** @param token the secret, this once */
    public record CreatedJoinToken(JoinTokenInfo info, String token) {}

    /** A join token as kept: its description and the lower-case hex SHA-256 of its secret. */
    record StoredJoinToken(String id, Instant createdAt, String createdBy, Instant expiresAt, String sha256) {
        JoinTokenInfo info() {
            return new JoinTokenInfo(id, createdAt, createdBy, expiresAt);
        }
    }

    private final JoinTokenStore store;
    private final Clock clock;

    JoinTokens(JoinTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A new join token valid for {@code validFor}.
     *
     * @throws ControlPlaneException {@code INVALID_JOIN_TOKEN_REQUEST} for a duration that is not positive
     */
    public CreatedJoinToken create(Duration validFor, String createdBy) {
        if (validFor.isZero() || validFor.isNegative()) {
            throw new ControlPlaneException(
                    ErrorCode.INVALID_JOIN_TOKEN_REQUEST,
                    "expires: " + validFor + " (expected: a duration > 0, e.g. 30m, 24h or 7d)");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String hash = sha256(secret);
        Instant now = clock.instant();
        StoredJoinToken token =
                new StoredJoinToken("j-" + hash.substring(0, 10), now, createdBy, now.plus(validFor), hash);
        for (StoredJoinToken stored : store.load()) {
            if (!now.isBefore(stored.expiresAt())) {
                store.remove(stored.id());
            }
        }
        store.add(token);
        return new CreatedJoinToken(token.info(), secret);
    }

    /** The join tokens that have not expired, oldest first. */
    public List<JoinTokenInfo> list() {
        return withoutExpired(clock.instant()).stream()
                .map(StoredJoinToken::info)
                .toList();
    }

    /** @throws ControlPlaneException {@code JOIN_TOKEN_NOT_FOUND} */
    public void revoke(String id) {
        if (!store.remove(id)) {
            throw new ControlPlaneException(
                    ErrorCode.JOIN_TOKEN_NOT_FOUND,
                    "join token '" + id + "' not found (list them with `lever nodes join-tokens` or"
                            + " GET /api/v1/nodes/join-tokens)");
        }
    }

    /** The id of the join token {@code secret} is, if it is one that has not expired; else {@code null}. */
    public String verify(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return null;
        }
        String hash = sha256(secret);
        Instant now = clock.instant();
        for (StoredJoinToken token : store.load()) {
            // Comparing hashes: the timing can only reveal a hash prefix, which does not help to guess a secret.
            if (token.sha256().equals(hash) && now.isBefore(token.expiresAt())) {
                return token.id();
            }
        }
        return null;
    }

    private List<StoredJoinToken> withoutExpired(Instant now) {
        return store.load().stream()
                .filter(token -> now.isBefore(token.expiresAt()))
                .toList();
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
