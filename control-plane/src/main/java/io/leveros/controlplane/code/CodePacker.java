package io.leveros.controlplane.code;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Packs a version folder into one canonical tar.gz: entries in name order, folders before what they
 * hold, mode 0755 or 0644 (0755 for executable files), owner 0, time 0, no user names, PAX headers for
 * long names. The same folder always gives the same bytes, so the same SHA-256. Regular files, folders
 * and symbolic links only (a hard link of the uploaded archive is a regular file here).
 */
public final class CodePacker {
    private CodePacker() {}

    /**
     * Writes the archive of {@code folder} to {@code archive} (which must not exist) and forces it to
     * disk.
     */
    public static PackedCode pack(Path folder, Path archive) throws IOException {
        MessageDigest sha256 = sha256();
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CountingStream counted = new CountingStream(Channels.newOutputStream(channel));
            GzipParameters gzip = new GzipParameters();
            gzip.setModificationTime(0);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(
                    new BufferedOutputStream(new DigestOutputStream(counted, sha256), 64 * 1024), gzip))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Path path : entries(folder)) {
                    write(tar, folder, path);
                }
                tar.finish();
            }
            channel.force(true);
            return new PackedCode(HexFormat.of().formatHex(sha256.digest()), counted.count);
        }
    }

    private static List<Path> entries(Path folder) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> all = Files.walk(folder)) {
            all.filter(path -> !path.equals(folder)).forEach(entries::add);
        }
        // name order of the relative path strings: a folder ("a") sorts before its content ("a/b")
        entries.sort((a, b) ->
                folder.relativize(a).toString().compareTo(folder.relativize(b).toString()));
        return entries;
    }

    private static void write(TarArchiveOutputStream tar, Path folder, Path path) throws IOException {
        String name = folder.relativize(path).toString();
        TarArchiveEntry entry;
        boolean regularFile = false;
        if (Files.isSymbolicLink(path)) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
            entry.setMode(0120777);
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            entry.setMode(040755);
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            entry.setMode(executable(path) ? 0100755 : 0100644);
            entry.setSize(Files.size(path));
            regularFile = true;
        } else {
            throw new IOException("cannot pack " + path + ": not a regular file, folder or symbolic link "
                    + "(the deploy's checks let none through; was the code folder changed by hand?)");
        }
        entry.setModTime(0);
        entry.setIds(0, 0);
        entry.setNames("", "");
        tar.putArchiveEntry(entry);
        if (regularFile) {
            Files.copy(path, tar);
        }
        tar.closeArchiveEntry();
    }

    private static boolean executable(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Counts the bytes written through it. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // the channel is closed by its owner, after it is forced
        }
    }
}
