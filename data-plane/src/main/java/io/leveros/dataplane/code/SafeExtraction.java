package io.leveros.dataplane.code;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts a verified code archive into a new folder, refusing any entry that could reach outside it:
 * names must be relative with no {@code ..} component; only folders, regular files and symbolic links;
 * a link's target must be relative and stay inside the folder, also once every link is in place. Links
 * are made after every file is written, so no write goes through a link. Files get 0644 (0755 when
 * executable in the archive), folders 0755 (the cache folder above them is the data plane's alone). Each
 * file and folder is forced to disk, so a folder renamed into the cache is whole after a crash.
 */
final class SafeExtraction {
    private SafeExtraction() {}

    /**
     * Extracts {@code archive} into {@code target} (created; must not exist).
     *
     * @throws IOException naming the entry and the rule it broke, or the disk's own failure
     */
    static void extract(Path archive, Path target) throws IOException {
        Files.createDirectory(target);
        Path root = target.toAbsolutePath().normalize();
        List<TarArchiveEntry> links = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = inside(root, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    String link = entry.getLinkName();
                    if (link.isEmpty()
                            || link.startsWith("/")
                            || !path.getParent().resolve(link).normalize().startsWith(root)) {
                        throw refused(
                                entry, "a symbolic link to '" + link + "'", "a relative target inside the folder");
                    }
                    links.add(entry);
                } else if (entry.getLinkFlag() == TarConstants.LF_NORMAL
                        || entry.getLinkFlag() == TarConstants.LF_OLDNORM) {
                    Files.createDirectories(path.getParent());
                    try (FileChannel file = FileChannel.open(
                            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        tar.transferTo(Channels.newOutputStream(file));
                        file.force(true);
                    }
                    Files.setPosixFilePermissions(
                            path,
                            PosixFilePermissions.fromString((entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                } else {
                    throw refused(
                            entry,
                            "an entry of type '" + (char) entry.getLinkFlag() + "'",
                            "folders, regular files and symbolic links only");
                }
            }
        }
        for (TarArchiveEntry entry : links) {
            Path path = inside(root, entry.getName());
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        }
        Path real = root.toRealPath();
        for (TarArchiveEntry entry : links) {
            Path resolved;
            try {
                resolved = inside(root, entry.getName()).toRealPath();
            } catch (IOException e) {
                throw refused(
                        entry,
                        "a symbolic link to '" + entry.getLinkName() + "' that resolves to nothing (" + e + ")",
                        "a target inside the folder that exists");
            }
            if (!resolved.startsWith(real)) {
                throw refused(
                        entry,
                        "a symbolic link to '" + entry.getLinkName() + "' that leaves the folder through "
                                + "other links",
                        "a target inside the folder");
            }
        }
        forceFolders(root);
    }

    private static Path inside(Path root, String name) throws IOException {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty() || trimmed.startsWith("/") || trimmed.contains("\0")) {
            throw new IOException("archive entry '" + name + "' is refused (expected: a relative name)");
        }
        for (String part : trimmed.split("/")) {
            if (part.equals("..")) {
                throw new IOException("archive entry '" + name + "' is refused (expected: a name with no '..')");
            }
        }
        Path path = root.resolve(trimmed).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IOException("archive entry '" + name + "' is refused (expected: a name inside the folder)");
        }
        return path;
    }

    private static IOException refused(TarArchiveEntry entry, String what, String expected) {
        return new IOException(
                "archive entry '" + entry.getName() + "' is refused: " + what + " (expected: " + expected + ")");
    }

    private static void forceFolders(Path root) throws IOException {
        List<Path> folders;
        try (Stream<Path> all = Files.walk(root)) {
            folders = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
        for (Path folder : folders) {
            force(folder);
        }
    }

    /** Makes new entries in {@code folder} durable (POSIX). */
    static void force(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // a file system that cannot open a folder: the rename is still atomic
        }
    }
}
