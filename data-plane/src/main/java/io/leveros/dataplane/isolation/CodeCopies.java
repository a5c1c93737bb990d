package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One copy of each live version's code for its instances, in the instance folder: files 0640 and
 * folders 0750, owned by the data plane's user and the version's own group, so its instances (and
 * only they) read it and none can change it. Made on the first start of the version on this node
 * (the cold start pays one copy per version, not per instance), removed once the version is no
 * longer live and none of its instances runs. Thread-safe.
 */
final class CodeCopies {
    private static final System.Logger LOG = System.getLogger(CodeCopies.class.getName());

    /** A version's copy and how many instances use it. */
    static final class Copy {
        final String versionKey;
        final int gid;
        final Path dir;
        private int users;
        private boolean made;

        private Copy(String versionKey, int gid, Path dir) {
            this.versionKey = versionKey;
            this.gid = gid;
            this.dir = dir;
        }
    }

    private final InstanceFolder folder;
    private final IdAllocator ids;
    private final Map<String, Copy> copies = new HashMap<>();
    private Set<String> live = Set.of();

    CodeCopies(InstanceFolder folder, IdAllocator ids) {
        this.folder = folder;
        this.ids = ids;
    }

    /** The copy of {@code codeDir} for version {@code versionKey}, made if needed (blocking); release it once. */
    Copy acquire(String versionKey, Path codeDir) {
        Copy copy;
        synchronized (this) {
            copy = copies.computeIfAbsent(versionKey, key -> {
                int gid = ids.allocate();
                return new Copy(key, gid, folder.code(gid));
            });
            copy.users++;
        }
        synchronized (copy) { // instances of one version wait for its one copy; other versions do not
            if (!copy.made) {
                try {
                    Folders.copy(codeDir, copy.dir, "rw-r-----", "rwxr-x---", copy.gid);
                    copy.made = true;
                } catch (IOException e) {
                    release(copy);
                    try {
                        Folders.delete(copy.dir);
                    } catch (IOException ignored) {
                        // the next start tries again
                    }
                    throw new UncheckedIOException(
                            "could not copy the code of " + versionKey + " from " + codeDir + " for its instances: "
                                    + e,
                            e);
                }
            }
        }
        return copy;
    }

    /** One instance of the copy's version is gone. */
    void release(Copy copy) {
        boolean remove;
        synchronized (this) {
            copy.users--;
            remove = copy.users == 0 && !live.contains(copy.versionKey) && copies.remove(copy.versionKey, copy);
        }
        if (remove) {
            delete(copy);
        }
    }

    /** The versions live now ({@code env/service/version}); the copies of the others go once unused. */
    void retain(Set<String> liveVersions) {
        Map<String, Copy> unused = new HashMap<>();
        synchronized (this) {
            live = Set.copyOf(liveVersions);
            copies.values().removeIf(copy -> {
                boolean gone = copy.users == 0 && !live.contains(copy.versionKey);
                if (gone) {
                    unused.put(copy.versionKey, copy);
                }
                return gone;
            });
        }
        unused.values().forEach(this::delete);
    }

    private void delete(Copy copy) {
        synchronized (copy) {
            try {
                Folders.delete(copy.dir);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not remove the code copy {0} of {1}: {2}", copy.dir, copy.versionKey, e);
            }
        }
        ids.release(copy.gid);
    }
}
