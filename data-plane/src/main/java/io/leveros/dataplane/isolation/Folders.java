package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The file operations instance isolation needs: whether other users can read a file or folder,
 * copies with chosen owners and modes, and removal. Symbolic links are never followed: a link in
 * deployed code that points at the data folder is copied as a link, which its instance still
 * cannot follow.
 */
final class Folders {
    private Folders() {}

    /** The ancestor of {@code path} that other users cannot traverse (no o+x), or {@code null}. */
    static Path untraversableAncestor(Path path) {
        for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (!others(dir, PosixFilePermission.OTHERS_EXECUTE)) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Whether other users can reach and read {@code path}: every ancestor o+x, and the file o+r
     * (a folder o+rx, and so everything in it).
     */
    static boolean readableByOthers(Path path) throws IOException {
        if (untraversableAncestor(path) != null) {
            return false;
        }
        try (Stream<Path> all = Files.walk(path)) {
            return all.allMatch(p -> Files.isSymbolicLink(p)
                    || others(p, PosixFilePermission.OTHERS_READ)
                            && (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                                    || others(p, PosixFilePermission.OTHERS_EXECUTE)));
        }
    }

    private static boolean others(Path path, PosixFilePermission permission) {
        try {
            return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                    .contains(permission);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Makes {@code dir} (not there yet) with {@code mode}, e.g. {@code rwx--x--x}. */
    static Path createDirectory(Path dir, String mode) throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    /**
     * Copies the tree {@code from} to {@code to} (not there yet, or an empty folder, which stays the
     * same folder), keeping modification times, with
     * {@code fileMode} and {@code dirMode} and, when {@code gid} is not -1, group {@code gid}
     * (owner: this process's user). Everything is made unreadable to others first, then given its
     * mode, so no one reads a half-made copy. Devices, pipes and sockets are left out.
     */
    static void copy(Path from, Path to, String fileMode, String dirMode, int gid) throws IOException {
        Set<PosixFilePermission> files = PosixFilePermissions.fromString(fileMode);
        Set<PosixFilePermission> dirs = PosixFilePermissions.fromString(dirMode);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!dir.equals(from) || !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(target);
                }
                Files.setPosixFilePermissions(target, ownerOnly);
                group(target, gid);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isOther()) {
                    return FileVisitResult.CONTINUE; // a device, pipe or socket: not code, and reading may block
                }
                Path target = to.resolve(from.relativize(file).toString());
                // not COPY_ATTRIBUTES: that would keep the source's owner, who could then change the copy
                Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isSymbolicLink()) {
                    Files.setPosixFilePermissions(target, ownerOnly);
                    group(target, gid);
                    Files.setPosixFilePermissions(target, files);
                    Files.setLastModifiedTime(target, attributes.lastModifiedTime());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.setLastModifiedTime(target, Files.getLastModifiedTime(dir));
                Files.setPosixFilePermissions(target, dirs);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether the tree {@code root} holds at most {@code maxFiles} files of {@code maxBytes} in all; stops early. */
    static boolean fitsWithin(Path root, long maxBytes, int maxFiles) throws IOException {
        long[] bytesAndFiles = new long[2];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                bytesAndFiles[0] += attributes.size();
                bytesAndFiles[1]++;
                return bytesAndFiles[0] > maxBytes || bytesAndFiles[1] > maxFiles
                        ? FileVisitResult.TERMINATE
                        : FileVisitResult.CONTINUE;
            }
        });
        return bytesAndFiles[0] <= maxBytes && bytesAndFiles[1] <= maxFiles;
    }

    static void group(Path path, int gid) throws IOException {
        if (gid != -1) {
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Removes a tree without following links; a missing tree is no error. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
