package io.leveros.controlplane.security;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every token this control plane accepts: the built-in {@code root} ({@link AccessToken}, scope admin)
 * and the named ones made through the API, kept as hashes in a {@link TokenStore} ({@code tokens.json},
 * or Redis shared by the control planes of a cluster). Reads take no lock and see one consistent set;
 * changes are serialised and stored before they take effect. In Redis mode {@link #refresh()} runs every
 * second, so a token made or revoked on another control plane counts here within a second.
 */
public final class TokenRegistry {
    /** The built-in token's name. */
    static final String ROOT = "root";
    /** Every named token starts with this, so a leaked one is easy to recognise (and to scan for). */
    static final String PREFIX = "lvt_";

    private final AccessToken root;
    private final TokenStore store;
    private final Clock clock;
    private volatile Map<String, TokenRecord> byName;
    private volatile Map<String, TokenRecord> byHash;

    TokenRegistry(AccessToken root, TokenStore store, Clock clock) {
        this.root = root;
        this.store = store;
        this.clock = clock;
        refresh();
    }

    /** Reads the stored tokens again (changes made by other control planes on the same Redis). */
    public void refresh() {
        install(store.load());
    }

    /** The caller {@code secret} belongs to, if it is a token of this control plane. */
    public Optional<Caller> authenticate(String secret) {
        if (root.matches(secret)) {
            return Optional.of(new Caller(ROOT, Scope.ADMIN, List.of()));
        }
        if (!secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        // A map look-up by hash: its timing can only reveal a hash prefix, which does not help to guess a secret.
        return Optional.ofNullable(byHash.get(sha256(secret))).map(TokenRecord::caller);
    }

    /** The caller a token named {@code name} makes, while the token exists (it may be revoked since). */
    Optional<Caller> callerNamed(String name) {
        if (name.equals(ROOT)) {
            return Optional.of(new Caller(ROOT, Scope.ADMIN, List.of()));
        }
        return Optional.ofNullable(byName.get(name)).map(TokenRecord::caller);
    }

    /** Every token, {@code root} first, then the named ones in order of creation. */
    public List<TokenInfo> list() {
        List<TokenInfo> tokens = new ArrayList<>();
        tokens.add(new TokenInfo(ROOT, Scope.ADMIN, List.of(), rootCreatedAt(), null, true));
        byName.values().forEach(token -> tokens.add(token.info()));
        return tokens;
    }

    /** @throws ControlPlaneException {@code TOKEN_EXISTS} when the name is taken (also by {@code root}) */
    public synchronized CreatedToken create(TokenRequest request, String createdBy) {
        String secret = PREFIX + AccessToken.randomSecret();
        TokenRecord token = new TokenRecord(
                request.name(), request.scope(), request.environments(), clock.instant(), createdBy, sha256(secret));
        if (request.name().equals(ROOT) || !store.add(token)) {
            throw new ControlPlaneException(
                    ErrorCode.TOKEN_EXISTS,
                    "a token named '" + request.name() + "' exists already (expected: a new name; revoke the old"
                            + " one first with DELETE /api/v1/tokens/" + request.name() + " to replace it)");
        }
        refresh();
        return new CreatedToken(token.info(), secret);
    }

    /**
     * @throws ControlPlaneException {@code BUILT_IN_TOKEN} for {@code root}, {@code TOKEN_NOT_FOUND}
     */
    public synchronized void revoke(String name) {
        if (name.equals(ROOT)) {
            throw new ControlPlaneException(
                    ErrorCode.BUILT_IN_TOKEN,
                    "token 'root' is built in and cannot be revoked through the API (to replace it, stop the control"
                            + " plane, delete " + root.file()
                            + " (with a Redis store: the key lever:secret:token) and start"
                            + " it again)");
        }
        if (!store.remove(name)) {
            throw new ControlPlaneException(
                    ErrorCode.TOKEN_NOT_FOUND,
                    "token '" + name + "' not found (list the tokens with GET /api/v1/tokens)");
        }
        refresh();
    }

    private void install(List<TokenRecord> tokens) {
        Map<String, TokenRecord> names = new LinkedHashMap<>();
        Map<String, TokenRecord> hashes = new LinkedHashMap<>();
        for (TokenRecord token : tokens) {
            names.put(token.name(), token);
            hashes.put(token.sha256(), token);
        }
        byHash = Map.copyOf(hashes);
        byName = Collections.unmodifiableMap(names);
    }

    private Instant rootCreatedAt() {
        try {
            return Files.getLastModifiedTime(root.file()).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the time of the token file " + root.file() + ": " + e, e);
        }
    }

    static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
