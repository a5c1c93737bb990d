package io.leveros.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The built-in admin token of this control plane (named {@code root}): 32 random bytes, URL-safe base64, kept in a file only its
 * owner can read. Made on first start, reused afterwards; the local CLI reads the same file.
 */
public final class AccessToken {
    private final Path file;
    private final byte[] token;

    private AccessToken(Path file, String token) {
        this.file = file;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the token in {@code file}, or makes one there (mode 0600) if there is none. */
    public static AccessToken loadOrCreate(Path file) {
        try {
            return new AccessToken(file, OwnerOnlyFiles.readOrCreateSecret(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the access token file " + file + ": " + e, e);
        }
    }

    /**
     * The root token of the cluster ({@code secrets}' {@code token}), also kept in {@code file} (mode
     * 0600) for the local CLI: in Redis mode the file is rewritten when it holds another value.
     */
    public static AccessToken of(ClusterSecrets secrets, Path file) {
        String value = secrets.readOrCreate("token");
        try {
            if (!Files.exists(file)
                    || !Files.readString(file, StandardCharsets.US_ASCII).trim().equals(value)) {
                OwnerOnlyFiles.writeAtomically(file, (value + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the access token file " + file + ": " + e, e);
        }
        return new AccessToken(file, value);
    }

    /** 32 {@code SecureRandom} bytes, URL-safe base64 without padding (43 characters). */
    static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code candidate} is the token; takes the same time whatever it is. */
    public boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(token, candidate.trim().getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the token is kept, for error messages. */
    public Path file() {
        return file;
    }

    /** The token text, for the local tools and tests that need to send it. */
    public String value() {
        return new String(token, StandardCharsets.US_ASCII);
    }
}
