package io.leveros.cli.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a service folder into the tar.gz archive that the control plane's deploy call takes.
 *
 * <p>Paths are relative to the folder; symbolic links are stored as links (the control plane
 * refuses any that points outside the folder); {@code .git} folders are left out. File modes are
 * kept so that an {@code entry} command stays executable.
 */
public final class ServiceArchive {
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git");

    /** What went into an archive. */
    public record Summary(int files, long uncompressedBytes) {}

    private ServiceArchive() {}

    public static Summary pack(Path folder, OutputStream out) throws IOException {
        Path root = folder.toAbsolutePath().normalize();
        int[] files = {0};
        long[] bytes = {0};
        try (TarArchiveOutputStream tar =
                new TarArchiveOutputStream(new GzipCompressorOutputStream(new BufferedOutputStream(out)))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!dir.equals(root)) {
                        if (SKIPPED_FOLDERS.contains(dir.getFileName().toString())) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        TarArchiveEntry entry = new TarArchiveEntry(name(dir) + "/");
                        entry.setMode(0755);
                        tar.putArchiveEntry(entry);
                        tar.closeArchiveEntry();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isSymbolicLink()) {
                        TarArchiveEntry link = new TarArchiveEntry(name(file), TarConstants.LF_SYMLINK);
                        link.setLinkName(Files.readSymbolicLink(file).toString());
                        tar.putArchiveEntry(link);
                        tar.closeArchiveEntry();
                        files[0]++;
                    } else if (attributes.isRegularFile()) {
                        TarArchiveEntry entry = new TarArchiveEntry(name(file));
                        entry.setSize(attributes.size());
                        entry.setMode(isExecutable(file) ? 0755 : 0644);
                        entry.setModTime(attributes.lastModifiedTime());
                        tar.putArchiveEntry(entry);
                        Files.copy(file, tar);
                        tar.closeArchiveEntry();
                        files[0]++;
                        bytes[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                private String name(Path path) {
                    return root.relativize(path).toString().replace('\\', '/');
                }
            });
            tar.finish();
        }
        return new Summary(files[0], bytes[0]);
    }

    private static boolean isExecutable(Path file) {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
