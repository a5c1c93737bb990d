package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The folder of this data plane's instances, {@code <--instance-dir>/lever-instances-<node>-<random>}
 * (root-owned, mode 0711: every instance may pass through, none may list it). It holds:
 *
 * <pre>
 * code/&lt;gid&gt;/         a live version's code, copied for its instances (see {@link CodeCopies})
 * runtime/&lt;name&gt;      runtime files instances could not read where they are (see {@link RuntimeFiles})
 * tmp/&lt;instance id&gt;   each instance's own temporary folder and home (0700, its uid)
 * </pre>
 *
 * A new one is made at each start, so nothing an earlier data plane or another user left there is
 * trusted; it is removed when the data plane stops.
 */
final class InstanceFolder {
    private static final System.Logger LOG = System.getLogger(InstanceFolder.class.getName());
    private static final String PASS_THROUGH = "rwx--x--x";

    private final Path root;

    private InstanceFolder(Path root) {
        this.root = root;
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
        try {
            Path root = Files.createTempDirectory(
                    parent, "lever-instances-" + nodeId.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(PASS_THROUGH));
            Folders.createDirectory(root.resolve("code"), PASS_THROUGH);
            Folders.createDirectory(root.resolve("runtime"), PASS_THROUGH);
            Folders.createDirectory(root.resolve("tmp"), PASS_THROUGH);
            return new InstanceFolder(root);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not make the instance folder in " + parent + ": " + e
                            + "; pass --instance-dir a folder this user may write",
                    e);
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

    void delete() {
        try {
            Folders.delete(root);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the instance folder {0}: {1}", root, e.toString());
        }
    }
}
