package io.leveros.controlplane.archive;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.LoggerFactory;

/**
 * Extracts an uploaded service archive (tar.gz) into a fresh folder, refusing anything that could write
 * outside it or exhaust the disk.
 *
 * <p>Rules, each failure a {@link ControlPlaneException} naming the entry and the rule:
 *
 * <ul>
 *   <li>the upload is at most {@code maxArchiveBytes} compressed, the files at most {@code
 *       maxExtractedBytes} together, at most {@code maxEntries} entries (413);
 *   <li>it is a gzip-compressed tar (400);
 *   <li>entry names are relative and have no {@code ..} component, and fit a file system: at most 255
 *       bytes per name, 3072 per path (400);
 *   <li>extended headers (PAX, GNU long names) are at most {@link ExtendedHeaderLimit#MAX_BYTES}, checked
 *       before they are read (400);
 *   <li>only regular files, folders, symbolic links and hard links; no devices, FIFOs, sparse files
 *       (400);
 *   <li>a symbolic link's target is relative and resolves, once every link is in place, to an existing
 *       file or folder inside the service folder; a hard link names an earlier regular file of the
 *       archive; no entry lies under a symbolic link (400);
 *   <li>{@code lever.json} is at the root, or inside a single top-level folder that wraps everything
 *       (as {@code tar -czf s.tgz myservice/} makes) (400).
 * </ul>
 *
 * <p>Links are made only after every file is written, so no write can go through a link. Files get mode
 * 0644 (0755 if executable in the archive), folders 0755. On any failure the folder is deleted.
 */
public final class ArchiveExtractor {
    static final String LEVER_JSON = "lever.json";
    private static final long MAX_LEVER_JSON_BYTES = 1024 * 1024;
    /** Linux's NAME_MAX: a longer file or folder name cannot be created ("File name too long"). */
    private static final int MAX_NAME_BYTES = 255;
    /** Linux's PATH_MAX (4096) counts the whole absolute path; this leaves 1 KiB for the data dir's own. */
    private static final int MAX_PATH_BYTES = 3072;
    /** Headers and padding a tar stream may add per entry, beyond the file bytes. */
    private static final long TAR_OVERHEAD_PER_ENTRY = 3 * 512;

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXEC_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final ArchiveLimits limits;

    public ArchiveExtractor(ArchiveLimits limits) {
        this.limits = limits;
    }

    /**
     * Extracts {@code upload} into {@code target}, which must not exist yet.
     *
     * @throws ControlPlaneException {@code INVALID_ARCHIVE} or {@code PAYLOAD_TOO_LARGE}; {@code
     *     target} is gone
     * @throws UncheckedIOException when the local disk fails; {@code target} is gone
     */
    public ExtractedArchive extract(InputStream upload, Path target) {
        Path root;
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectory(target);
            root = target.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the extraction folder " + target + ": " + e, e);
        }
        try {
            LimitedInputStream compressed = new LimitedInputStream(
                    upload,
                    limits.maxArchiveBytes(),
                    limit -> tooLarge("the archive is larger than " + limit + " bytes compressed (expected: at most "
                            + limit + "; leave build outputs and dependencies the platform supplies out of it, or "
                            + "raise lever.deploy.max-archive-bytes)"));
            Extraction extraction = new Extraction(root);
            extraction.run(compressed);
            // Count what follows the tar's end, so the reported size is the upload's, and a huge tail is refused.
            compressed.transferTo(OutputStream.nullOutputStream());
            Path serviceDir = locateServiceDir(root);
            verifySymlinks(serviceDir);
            byte[] leverJson = readLeverJson(serviceDir.resolve(LEVER_JSON));
            syncDirectories(root);
            return new ExtractedArchive(
                    target, serviceDir, leverJson, compressed.count(), extraction.bytes, extraction.files);
        } catch (IOException e) {
            deleteQuietly(target);
            throw invalid("the archive could not be read as a gzip-compressed tar: " + e.getMessage()
                    + " (expected: a .tar.gz, as made by 'lever deploy' or 'tar -czf')");
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
    }

    /** One pass over the tar stream; keeps the links for the end. */
    private final class Extraction {
        final Path root;
        final List<TarArchiveEntry> links = new ArrayList<>();
        final List<Path> linkPaths = new ArrayList<>();
        long bytes;
        int files;
        int entries;

        Extraction(Path root) {
            this.root = root;
        }

        void run(InputStream compressed) throws IOException {
            GzipCompressorInputStream gzip;
            try {
                gzip = new GzipCompressorInputStream(compressed);
            } catch (IOException e) {
                throw invalid("the archive is not gzip-compressed (" + e.getMessage()
                        + "; expected: a .tar.gz, as made by 'lever deploy' or 'tar -czf')");
            }
            long maxTarBytes = limits.maxExtractedBytes() + TAR_OVERHEAD_PER_ENTRY * (limits.maxEntries() + 2L);
            InputStream tarBytes = new LimitedInputStream(
                    gzip,
                    maxTarBytes,
                    limit -> tooLarge("the archive expands to more than " + limit
                            + " bytes (expected: files of at most " + limits.maxExtractedBytes()
                            + " bytes together; raise lever.deploy.max-extracted-bytes)"));
            TarArchiveInputStream tar = new ExtendedHeaderLimit(tarBytes);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw tooLarge("the archive has more than " + limits.maxEntries() + " entries (expected: at most "
                            + limits.maxEntries() + " files, folders and links; raise lever.deploy.max-files)");
                }
                String name = entry.getName();
                Path path = resolve(name);
                if (path == null) {
                    continue; // the root itself ("./")
                }
                if (entry.isDirectory()) {
                    makeDirectories(name, path);
                } else if (entry.isSymbolicLink() || entry.isLink()) {
                    links.add(entry);
                    linkPaths.add(path);
                    files++;
                } else if (isRegularFile(entry)) {
                    writeFile(tar, entry, path);
                    files++;
                } else {
                    throw invalid("archive entry '" + name + "' is " + describeType(entry)
                            + " (expected: regular files, folders, symbolic links and hard links only)");
                }
            }
            for (int i = 0; i < links.size(); i++) {
                makeLink(links.get(i), linkPaths.get(i));
            }
        }

        /** The entry's place under the root, or {@code null} for the root itself. */
        Path resolve(String name) {
            return ArchiveExtractor.this.resolve(root, name, "archive entry '" + abbreviate(name) + "'");
        }

        void makeDirectories(String name, Path path) throws IOException {
            requireRealParent(name, path);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw invalid("archive entry '" + name + "' is a folder, but an earlier entry made it a file "
                        + "(expected: each path once)");
            }
            writeLocal(() -> Files.createDirectories(path));
        }

        void writeFile(TarArchiveInputStream tar, TarArchiveEntry entry, Path path) throws IOException {
            String name = entry.getName();
            long remaining = limits.maxExtractedBytes() - bytes;
            if (entry.getSize() > remaining) {
                throw extractedTooLarge(name);
            }
            requireRealParent(name, path);
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw invalid("archive entry '" + name + "' is a file, but an earlier entry made it a folder "
                        + "(expected: each path once)");
            }
            writeLocal(() -> Files.createDirectories(path.getParent()));
            FileChannel out = openLocal(path);
            try (out) {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                int n;
                while ((n = tar.read(buffer.array())) > 0) {
                    bytes += n;
                    if (bytes > limits.maxExtractedBytes()) {
                        throw extractedTooLarge(name);
                    }
                    buffer.clear().limit(n);
                    writeLocal(() -> {
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                    });
                }
                // Durable before the version is committed: a crash must not leave a committed, empty file.
                writeLocal(() -> out.force(false));
            }
            boolean executable = (entry.getMode() & 0111) != 0;
            setMode(path, executable ? EXEC_MODE : FILE_MODE);
        }

        void makeLink(TarArchiveEntry entry, Path path) throws IOException {
            String name = entry.getName();
            String target = entry.getLinkName();
            if (entry.isLink()) {
                String what = "hard link '" + name + "' -> '" + target + "'";
                Path existing = ArchiveExtractor.this.resolve(root, target, "archive entry " + what);
                if (existing == null
                        || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)
                        || !existing.getParent().toRealPath().equals(existing.getParent())) {
                    throw invalid("archive entry " + what + " does not name a regular file of the archive "
                            + "(expected: a hard link to an earlier file entry)");
                }
                prepareLinkPath(name, path);
                writeLocal(() -> Files.createLink(path, existing));
            } else {
                String what = "symbolic link '" + name + "' -> '" + abbreviate(target) + "'";
                requireFitsFileSystem(target, "archive entry " + what);
                if (target.isEmpty() || target.startsWith("/")) {
                    throw invalid("archive entry " + what + " points to an absolute path (expected: a relative "
                            + "target inside the service folder)");
                }
                Path resolved;
                try {
                    resolved = path.getParent().resolve(target).normalize();
                } catch (InvalidPathException e) {
                    throw invalid("archive entry " + what + " has an unusable target (" + e.getReason() + ")");
                }
                if (!resolved.startsWith(root)) {
                    throw invalid("archive entry " + what + " leaves the service folder (expected: a relative target "
                            + "inside the service folder)");
                }
                prepareLinkPath(name, path);
                writeLocal(() ->
                        Files.createSymbolicLink(path, path.getFileSystem().getPath(target)));
            }
        }

        private void prepareLinkPath(String name, Path path) throws IOException {
            requireRealParent(name, path);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw invalid("archive entry '" + name + "' is a link, but an earlier entry already made '" + name
                        + "' (expected: each path once)");
            }
            writeLocal(() -> Files.createDirectories(path.getParent()));
        }

        /** No entry may sit under a symbolic link: its parent folder must be a real folder. */
        void requireRealParent(String name, Path path) throws IOException {
            Path parent = path.getParent();
            Path existing = parent;
            while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (Files.isSymbolicLink(existing) || !existing.toRealPath().equals(existing)) {
                throw invalid("archive entry '" + name + "' lies under the symbolic link '" + root.relativize(existing)
                        + "' (expected: entries under real folders only)");
            }
            if (!Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw invalid("archive entry '" + name + "' lies under '" + root.relativize(existing)
                        + "', which is a file (expected: entries under folders)");
            }
        }

        ControlPlaneException extractedTooLarge(String name) {
            return tooLarge("the archive's files exceed " + limits.maxExtractedBytes() + " bytes at entry '" + name
                    + "' (expected: at most " + limits.maxExtractedBytes()
                    + " bytes together; raise lever.deploy.max-extracted-bytes)");
        }
    }

    /**
     * Checks an archive path and places it under {@code root}; {@code null} for the root itself.
     *
     * @param what how to name the path in an error
     */
    Path resolve(Path root, String name, String what) {
        if (name.indexOf('\0') >= 0) {
            throw invalid(what + " has a NUL character in its name (expected: a plain relative path)");
        }
        if (name.startsWith("/")) {
            throw invalid(what + " is an absolute path (expected: relative paths inside the archive)");
        }
        requireFitsFileSystem(name, what);
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw invalid(what + " leaves the service folder (expected: relative paths inside the archive, "
                        + "without '..')");
            }
            if (utf8Length(part) > MAX_NAME_BYTES) {
                throw invalid(what + " has a file or folder name of " + utf8Length(part) + " bytes (expected: "
                        + "at most " + MAX_NAME_BYTES + " bytes per name, the file system's limit; shorten it)");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        Path path;
        try {
            path = root.resolve(String.join("/", parts)).normalize();
        } catch (InvalidPathException e) {
            throw invalid(what + " is not a usable path (" + e.getReason() + ")");
        }
        if (!path.startsWith(root) || path.equals(root)) {
            throw invalid(what + " leaves the service folder (expected: relative paths inside the archive)");
        }
        return path;
    }

    private static void requireFitsFileSystem(String path, String what) {
        int bytes = utf8Length(path);
        if (bytes > MAX_PATH_BYTES) {
            throw invalid(what + " has a path of " + bytes + " bytes (expected: at most " + MAX_PATH_BYTES
                    + " bytes, within the file system's limit; shorten it)");
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A name short enough to quote in a message. */
    private static String abbreviate(String name) {
        return name.length() <= 200 ? name : name.substring(0, 200) + "…";
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return !entry.isGNUSparse()
                && (flag == TarConstants.LF_NORMAL
                        || flag == TarConstants.LF_OLDNORM
                        || flag == TarConstants.LF_CONTIG);
    }

    private static String describeType(TarArchiveEntry entry) {
        if (entry.isCharacterDevice()) {
            return "a character device";
        }
        if (entry.isBlockDevice()) {
            return "a block device";
        }
        if (entry.isFIFO()) {
            return "a FIFO";
        }
        if (entry.isGNUSparse()) {
            return "a sparse file";
        }
        return "of tar type '" + (char) entry.getLinkFlag() + "'";
    }

    private Path locateServiceDir(Path root) throws IOException {
        if (Files.isRegularFile(root.resolve(LEVER_JSON), LinkOption.NOFOLLOW_LINKS)) {
            return root;
        }
        List<Path> top;
        try (Stream<Path> children = Files.list(root)) {
            top = children.sorted().toList();
        }
        if (top.size() == 1
                && Files.isDirectory(top.getFirst(), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(top.getFirst().resolve(LEVER_JSON), LinkOption.NOFOLLOW_LINKS)) {
            return top.getFirst();
        }
        List<String> names =
                top.stream().limit(10).map(p -> p.getFileName().toString()).toList();
        throw invalid("the archive has no lever.json at its root (expected: lever.json at the top of the archive, "
                + "or inside a single top-level folder; found: " + (names.isEmpty() ? "nothing" : names)
                + "); run 'lever deploy' in the folder that holds lever.json");
    }

    /** Every symbolic link must, now that all are in place, resolve to something inside the service folder. */
    private void verifySymlinks(Path serviceDir) throws IOException {
        Path real = serviceDir.toRealPath();
        List<Path> symlinks;
        try (Stream<Path> all = Files.walk(serviceDir)) {
            symlinks = all.filter(Files::isSymbolicLink).toList();
        }
        for (Path link : symlinks) {
            String what =
                    "symbolic link '" + serviceDir.relativize(link) + "' -> '" + Files.readSymbolicLink(link) + "'";
            Path resolved;
            try {
                resolved = link.toRealPath();
            } catch (NoSuchFileException e) {
                throw invalid("archive entry " + what + " points to nothing in the archive (expected: a target "
                        + "inside the service folder that exists)");
            } catch (FileSystemException e) {
                throw invalid("archive entry " + what + " cannot be resolved (" + e.getReason()
                        + "; expected: a target inside the service folder)");
            }
            if (!resolved.startsWith(real)) {
                throw invalid("archive entry " + what + " leaves the service folder through other links (expected: "
                        + "a target inside the service folder)");
            }
        }
    }

    /** Makes the folder entries of the extracted files durable; the files were forced as they were written. */
    private static void syncDirectories(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> all = Files.walk(root)) {
            dirs = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
        for (Path dir : dirs) {
            forceDirectory(dir);
        }
    }

    /** Makes renames and new entries in {@code dir} durable (POSIX); a no-op where folders cannot be opened. */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel.
        }
    }

    private static byte[] readLeverJson(Path file) throws IOException {
        if (Files.size(file) > MAX_LEVER_JSON_BYTES) {
            throw invalid("lever.json is larger than " + MAX_LEVER_JSON_BYTES + " bytes (expected: a small JSON "
                    + "object describing the service)");
        }
        return Files.readAllBytes(file);
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) {
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileChannel openLocal(Path path) {
        try {
            return FileChannel.open(
                    path,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e, e);
        }
    }

    /** A write to the local disk: its failure is ours (500), not the archive's. */
    private interface LocalWrite {
        void run() throws IOException;
    }

    private static void writeLocal(LocalWrite write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the extracted archive: " + e, e);
        }
    }

    /** Deletes a folder tree without following links; used for failed and finished extractions. */
    public static void deleteQuietly(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(ArchiveExtractor.class).warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    static ControlPlaneException invalid(String message) {
        return new ControlPlaneException(ErrorCode.INVALID_ARCHIVE, message);
    }

    static ControlPlaneException tooLarge(String message) {
        return new ControlPlaneException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    }
}
