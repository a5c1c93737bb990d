package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folder of this data plane's instances, {@code <--instance-dir>/lever-instances-<node>-<random>}
 * (root-owned, mode 0711: every instance may pass through, none may list it). It holds:
 *
 * <pre>
 * code/&lt;gid&gt;/         a live version's code, copied for its instances (see {@link CodeCopies})
 * runtime/&lt;name&gt;      runtime files instances could not read where they are (see {@link RuntimeFiles})
 * tmp/&lt;instance id&gt;   each instance's own temporary folder and home (0700, its uid)
 * lock                 locked while its data plane runs (0600)
 * </pre>
 *
 * A new one is made at each start, so nothing an earlier data plane or another user left there is
 * trusted; it is removed when the data plane stops. One whose data plane was killed (or whose machine
 * lost power) is removed by the next data plane to start next to it: the system frees a dead
 * process's locks, so a folder whose lock can be taken is left over. Folders with no lock file (made
 * by a Lever before it had one, or being made right now) and other users' folders are left alone.
 */
final class InstanceFolder {
    private static final System.Logger LOG = System.getLogger(InstanceFolder.class.getName());
    private static final String PREFIX = "lever-instances-";
    private static final String PASS_THROUGH = "rwx--x--x";
    private static final String LOCK = "lock";
    /**
     * The folders data planes in this process hold, never opened to look: closing any channel to a
     * file lets go of every lock this process has on it ({@link FileLock}).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final FileChannel lock;

    private InstanceFolder(Path root, FileChannel lock) {
        this.root = root;
        this.lock = lock;
    }

    /** Makes a fresh instance folder in {@code parent}, which every user must be able to traverse. */
    static InstanceFolder create(Path parent, String nodeId) {
        if (!Files.isDirectory(parent)) {
            throw new IllegalStateException("--instance-dir " + parent + " is not a folder (expected: an existing"
                    + " folder every user can traverse, e.g. /tmp)");
        }
        Path blocking = Folders.untraversableAncestor(parent.resolve("x"));
        if (blocking != null) {
            throw new IllegalStateException("--instance-dir " + parent + ": instances could not reach their files"
                    + " there, since other users cannot traverse " + blocking + " (no o+x); pass a folder every"
                    + " user can pass through, e.g. /tmp");
        }
        Path folders = parent.toAbsolutePath().normalize(); // as each data plane in this process names it
        removeLeftOvers(folders);
        try {
            Path root = Files.createTempDirectory(folders, PREFIX + nodeId.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
            HELD.add(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(PASS_THROUGH));
            // locked before it has its name, so that no data plane starting now finds it free
            Path unnamed = Files.createFile(
                    root.resolve(LOCK + ".new"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileChannel lock = FileChannel.open(unnamed, StandardOpenOption.WRITE);
            lock.lock(); // held until the channel closes, or this process ends
            Files.move(unnamed, root.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
            Folders.createDirectory(root.resolve("code"), PASS_THROUGH);
            Folders.createDirectory(root.resolve("runtime"), PASS_THROUGH);
            Folders.createDirectory(root.resolve("tmp"), PASS_THROUGH);
            return new InstanceFolder(root, lock);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not make the instance folder in " + parent + ": " + e
                            + "; pass --instance-dir a folder this user may write",
                    e);
        }
    }

    /**
     * Removes the instance folders in {@code parent} whose data plane no longer runs. Only real folders
     * of this user are looked at: {@code parent} (e.g. /tmp) may be writable by anyone, who could put a
     * link there named like one.
     */
    private static void removeLeftOvers(Path parent) {
        int uid = InstanceIsolation.effectiveUid();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path folder : folders) {
                if (!HELD.contains(folder)
                        && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                        && ownedBy(folder, uid)
                        && ownedBy(folder.resolve(LOCK), uid)) { // none: made before there was one, or now
                    removeIfLeftOver(folder);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not look for left-over instance folders in {0}: {1}", parent, e.toString());
        }
    }

    private static void removeIfLeftOver(Path folder) {
        try (FileChannel channel =
                        FileChannel.open(folder.resolve(LOCK), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                FileLock free = channel.tryLock()) {
            if (free != null) {
                Folders.delete(folder);
                LOG.log(Level.INFO, "removed {0}, left over by a data plane that no longer runs", folder);
            }
        } catch (OverlappingFileLockException takenHere) {
            // a data plane starting in this process at the same time is removing it
        } catch (NoSuchFileException goneMeanwhile) {
            // its data plane stopped and removed it
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the left-over instance folder {0}: {1}", folder, e.toString());
        }
    }

    private static boolean ownedBy(Path path, int uid) {
        try {
            return (int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // gone, or not there
        }
    }

    Path root() {
        return root;
    }

    Path code(int gid) {
        return root.resolve("code").resolve(Integer.toString(gid));
    }

    /** The code folder of a warm runtime, filled once it is taken for a version. */
    Path warmCode(String warmId) {
        return root.resolve("code").resolve(warmId);
    }

    Path runtime(String name) {
        return root.resolve("runtime").resolve(name);
    }

    Path tmp(String instanceId) {
        return root.resolve("tmp").resolve(instanceId);
    }

    /** Removes the folder, then lets go of its lock. */
    void delete() {
        try {
            Folders.delete(root);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the instance folder {0}: {1}", root, e.toString());
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not release the lock of {0}: {1}", root, e.toString());
        }
        HELD.remove(root);
    }
}
