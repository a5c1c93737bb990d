package io.leveros.dataplane.testing;

import io.leveros.proto.control.ServiceVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Code archives for test versions, as the control plane packs them: every archive made here is served by
 * every {@link FakeControlPlane}'s {@code FetchCode}, found by its SHA-256.
 */
public final class TestCode {
    static final Map<String, byte[]> ARCHIVES = new ConcurrentHashMap<>();

    private TestCode() {}

    /** {@code version} with the code of {@code folder} (packed and made fetchable). */
    public static ServiceVersion.Builder withCode(ServiceVersion.Builder version, Path folder) {
        return withArchive(version, pack(folder));
    }

    /** {@code version} with {@code archive} as its code, whatever it holds (made fetchable as it is). */
    public static ServiceVersion.Builder withArchive(ServiceVersion.Builder version, byte[] archive) {
        String sha256 = sha256(archive);
        ARCHIVES.put(sha256, archive);
        return version.setCodeSha256(sha256).setCodeBytes(archive.length);
    }

    /** A tar.gz of {@code folder}'s regular files and folders, in name order. */
    public static byte[] pack(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            List<Path> paths = all.filter(p -> !p.equals(folder)).sorted().toList();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Path path : paths) {
                    String name = folder.relativize(path).toString();
                    boolean dir = Files.isDirectory(path);
                    TarArchiveEntry entry = new TarArchiveEntry(
                            dir ? name + "/" : name, dir ? TarConstants.LF_DIR : TarConstants.LF_NORMAL);
                    entry.setMode(dir ? 040755 : Files.isExecutable(path) ? 0100755 : 0100644);
                    if (!dir) {
                        entry.setSize(Files.size(path));
                    }
                    tar.putArchiveEntry(entry);
                    if (!dir) {
                        Files.copy(path, tar);
                    }
                    tar.closeArchiveEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
