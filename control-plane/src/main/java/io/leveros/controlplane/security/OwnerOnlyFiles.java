package io.leveros.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/** Files only their owner may read (mode 0600), replaced atomically: tokens, keys, credentials. */
public final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {}

    /**
     * Writes {@code content} to a new 0600 temporary file beside {@code file}, forces it to disk,
     * renames it over {@code file} atomically and forces the folder: a crash leaves the old file or the
     * new one, never a torn one, and once this returns the new one survives a crash.
     */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            createOwnerOnly(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Creates {@code dir} (the data folder: tokens, keys, store, audit log, code) if needed and sets
     * mode 0700 if it is looser, so that no other user of the machine — instances included — can
     * even list it.
     */
    static void restrictDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(dir).equals(ownerOnly)) {
                Files.setPosixFilePermissions(dir, ownerOnly);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data folder " + dir + " owner-only: " + e, e);
        }
    }

    /**
     * The secret in {@code file} (trimmed), or a new random one ({@link AccessToken#randomSecret})
     * written there (0600) when the file is missing or empty. An existing file looser than 0600 is
     * tightened.
     */
    public static String readOrCreateSecret(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!existing.isEmpty()) {
                restrict(file);
                return existing;
            }
        }
        String secret = AccessToken.randomSecret();
        writeAtomically(file, (secret + "\n").getBytes(StandardCharsets.US_ASCII));
        return secret;
    }

    /** Sets mode 0600 if the file is looser. */
    public static void restrict(Path path) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(path, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException e) {
            // a folder cannot be opened as a channel here (Windows); the rename is still atomic
        }
    }

    private static void createOwnerOnly(Path path) throws IOException {
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(path);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary file " + path + " already exists", e);
        }
    }
}
