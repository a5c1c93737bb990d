package io.leveros.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * The bearer token of this control plane: 32 random bytes, URL-safe base64, kept in a file only its
 * owner can read. Made on first start, reused afterwards; the local CLI reads the same file.
 */
public final class AccessToken {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final byte[] token;

    private AccessToken(Path file, String token) {
        this.file = file;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the token in {@code file}, or makes one there (mode 0600) if there is none. */
    public static AccessToken loadOrCreate(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                String existing =
                        Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!existing.isEmpty()) {
                    restrict(file);
                    return new AccessToken(file, existing);
                }
            }
            String token = generate();
            Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
            createOwnerOnly(temp);
            Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new AccessToken(file, token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the access token file " + file + ": " + e, e);
        }
    }

    private static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void createOwnerOnly(Path path) throws IOException {
        try {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            Files.createFile(path, mode);
        } catch (UnsupportedOperationException e) {
            Files.createFile(path);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary token file " + path + " already exists", e);
        }
    }

    private static void restrict(Path path) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(path, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
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
