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
 * and the named ones made through the API, kept in {@link TokenFile} as hashes. Reads take no lock and
 * see one consistent set; changes are serialised and on disk before they take effect.
 */
public final class TokenRegistry {
    /** The built-in token's name. */
    static final String ROOT = "root";
    /** Every named token starts with this, so a leaked one is easy to recognise (and to scan for). */
    static final String PREFIX = "lvt_";

    private final AccessToken root;
    private final TokenFile file;
    private final Clock clock;
    private volatile Map<String, TokenRecord> byName;
    private volatile Map<String, TokenRecord> byHash;

    TokenRegistry(AccessToken root, TokenFile file, Clock clock) {
        this.root = root;
        this.file = file;
        this.clock = clock;
        install(file.load());
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

    /** Every token, {@code root} first, then the named ones in order of creation. */
    public List<TokenInfo> list() {
        List<TokenInfo> tokens = new ArrayList<>();
        tokens.add(new TokenInfo(ROOT, Scope.ADMIN, List.of(), rootCreatedAt(), null, true));
        byName.values().forEach(token -> tokens.add(token.info()));
        return tokens;
    }

    /** @throws ControlPlaneException {@code TOKEN_EXISTS} when the name is taken (also by {@code root}) */
    public synchronized CreatedToken create(TokenRequest request, String createdBy) {
        if (request.name().equals(ROOT) || byName.containsKey(request.name())) {
            throw new ControlPlaneException(
                    ErrorCode.TOKEN_EXISTS,
                    "a token named '" + request.name() + "' exists already (expected: a new name; revoke the old"
                            + " one first with DELETE /api/v1/tokens/" + request.name() + " to replace it)");
        }
        String secret = PREFIX + AccessToken.randomSecret();
        TokenRecord token = new TokenRecord(
                request.name(), request.scope(), request.environments(), clock.instant(), createdBy, sha256(secret));
        List<TokenRecord> next = new ArrayList<>(byName.values());
        next.add(token);
        file.save(next);
        install(next);
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
                            + " plane, delete " + root.file() + " and start it again)");
        }
        if (!byName.containsKey(name)) {
            throw new ControlPlaneException(
                    ErrorCode.TOKEN_NOT_FOUND,
                    "token '" + name + "' not found (list the tokens with GET /api/v1/tokens)");
        }
        List<TokenRecord> next = new ArrayList<>(byName.values());
        next.removeIf(token -> token.name().equals(name));
        file.save(next);
        install(next);
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
