package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps instances of the process runtime apart from the platform and from each other
 * (docs/data-plane.md, "Instance isolation"). How depends on who runs the data plane:
 *
 * <ul>
 *   <li>{@link Mode#SEPARATE_USERS} (root): each instance runs as its own uid from {@code
 *       --instance-uids}, with its version's gid, no capabilities, {@code no_new_privs}, in a copy of
 *       its version's code it may read but not change, with its own temporary folder;
 *   <li>{@link Mode#SAME_USER} (any other user, who cannot switch users): instances run as that user
 *       with {@code no_new_privs} and their own temporary folder; the data plane says at start what
 *       this leaves open, and {@code --require-instance-isolation} refuses to run so.
 * </ul>
 */
public final class InstanceIsolation implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InstanceIsolation.class.getName());
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    enum Mode {
        SEPARATE_USERS,
        SAME_USER
    }

    private final Mode mode;
    private final boolean hasSetpriv;
    private final InstanceFolder folder;
    private final IdAllocator ids;
    private final CodeCopies codeCopies;
    private final RuntimeFiles runtimeFiles;
    /** Removes unused code copies after routing changes, one change at a time, off the event loop. */
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("lever-code-copies").factory());

    private InstanceIsolation(Mode mode, boolean hasSetpriv, InstanceFolder folder, IdRange range) {
        this.mode = mode;
        this.hasSetpriv = hasSetpriv;
        this.folder = folder;
        IdsInUse inUse = new IdsInUse(folder.root().getParent());
        if (mode == Mode.SEPARATE_USERS) {
            inUse.now(); // the first look loads what every later one runs: at start, not in a cold start
        }
        this.ids = new IdAllocator(range, inUse::now);
        this.codeCopies = new CodeCopies(folder, ids);
        this.runtimeFiles = new RuntimeFiles(folder);
    }

    /**
     * Decides how instances are isolated and makes their folder in {@code parent}.
     *
     * @throws IllegalStateException when instances cannot be isolated as {@code required}
     */
    public static InstanceIsolation start(Path parent, IdRange uids, boolean required, String nodeId) {
        boolean hasSetpriv = Files.isExecutable(SETPRIV);
        int uid = effectiveUid();
        Mode mode = decide(uid, hasSetpriv, required);
        if (mode == Mode.SAME_USER) {
            LOG.log(Level.WARNING, sameUserWarning(uid, hasSetpriv));
        } else {
            IdRangeChecks.check(uids);
        }
        InstanceIsolation isolation =
                new InstanceIsolation(mode, hasSetpriv, InstanceFolder.create(parent, nodeId), uids);
        LOG.log(
                Level.INFO,
                mode == Mode.SEPARATE_USERS
                        ? "instances run each as its own uid from " + uids + ", their files in "
                                + isolation.folder.root()
                        : "instances run as uid " + uid + ", their temporary folders in " + isolation.folder.root());
        return isolation;
    }

    /**
     * Separate users when the data plane is root and has setpriv to switch users with.
     *
     * @throws IllegalStateException when that is not possible and {@code required}, or when root lacks
     *     setpriv (a root data plane would otherwise run user code as root)
     */
    static Mode decide(int uid, boolean hasSetpriv, boolean required) {
        if (uid == 0 && hasSetpriv) {
            return Mode.SEPARATE_USERS;
        }
        if (uid == 0) {
            throw new IllegalStateException("this data plane runs as root but " + SETPRIV + " (util-linux) is missing:"
                    + " it would run every instance as root; install util-linux, or run the data plane as an"
                    + " ordinary user");
        }
        if (required) {
            throw new IllegalStateException("--require-instance-isolation: this data plane runs as uid " + uid
                    + ", not root, so it cannot run each instance as its own user; run it as root (sudo lever up),"
                    + " or leave the option out to run instances as uid " + uid);
        }
        return Mode.SAME_USER;
    }

    static String sameUserWarning(int uid, boolean hasSetpriv) {
        return "instances are NOT isolated: they run as this data plane's user (uid " + uid + "), so each can read"
                + " and change whatever this user can: the data folder and its admin token, other services' code,"
                + " other instances' environments (their gateway credentials) and processes. Only their temporary"
                + " folders are their own" + (hasSetpriv ? ", and they get no new privileges" : "")
                + ". To run each instance as its own user, run the platform as root (sudo lever up);"
                + " --require-instance-isolation refuses to start instead of running them so.";
    }

    /** The effective uid of this process (its {@code /proc/self}'s owner), or -1 where there is no /proc. */
    public static int effectiveUid() {
        try {
            return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    boolean hasSetpriv() {
        return hasSetpriv;
    }

    /**
     * {@code file} (a runtime's folder or archive) where instances can read it: itself, or a
     * world-readable copy named {@code name} in the instance folder. Blocking.
     */
    public Path readable(Path file, String name) {
        return mode == Mode.SEPARATE_USERS ? runtimeFiles.readable(file, name) : file;
    }

    /**
     * Prepares an instance of version {@code versionKey} ({@code env/service/version}) whose code
     * is in {@code codeDir}: its uid, its version's code copy (made on the version's first start),
     * its temporary folder. Blocking (the first start of a version copies its code).
     */
    public InstanceSandbox open(String versionKey, Path codeDir, String instanceId) {
        if (mode == Mode.SAME_USER) {
            return new InstanceSandbox(this, -1, -1, null, codeDir, false, tmpDir(instanceId, -1, -1));
        }
        CodeCopies.Copy code = codeCopies.acquire(versionKey, codeDir);
        int uid;
        try {
            uid = ids.allocate();
        } catch (RuntimeException e) {
            codeCopies.release(code);
            throw e;
        }
        try {
            return new InstanceSandbox(this, uid, code.gid, code, code.dir, false, tmpDir(instanceId, uid, code.gid));
        } catch (RuntimeException e) {
            ids.release(uid);
            codeCopies.release(code);
            throw e;
        }
    }

    /**
     * Prepares a warm runtime (docs/data-plane.md, "Warm runtimes"): as {@link #open} does, but with
     * a code folder of its own, empty until {@link InstanceSandbox#takeCode} fills it with a copy of
     * the version it is taken for, and, as root, a group of its own instead of its version's.
     * Blocking.
     */
    public InstanceSandbox openWarm(String warmId) {
        Path codeDir = folder.warmCode(warmId);
        if (mode == Mode.SAME_USER) {
            makeCodeFolder(codeDir, -1);
            return new InstanceSandbox(this, -1, -1, null, codeDir, true, tmpDir(warmId, -1, -1));
        }
        int uid = ids.allocate();
        int gid;
        try {
            gid = ids.allocate();
        } catch (RuntimeException e) {
            ids.release(uid);
            throw e;
        }
        try {
            makeCodeFolder(codeDir, gid);
            return new InstanceSandbox(this, uid, gid, null, codeDir, true, tmpDir(warmId, uid, gid));
        } catch (RuntimeException e) {
            ids.release(uid);
            ids.release(gid);
            throw e;
        }
    }

    private static void makeCodeFolder(Path dir, int gid) {
        try {
            Folders.createDirectory(dir, "rwx------");
            Folders.group(dir, gid);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the warm runtime's code folder " + dir + ": " + e, e);
        }
    }

    /** The most code a warm runtime copies for its instance; a larger version starts cold. */
    static final long WARM_CODE_MAX_BYTES = 64L * 1024 * 1024;

    static final int WARM_CODE_MAX_FILES = 2000;

    /**
     * Whether a warm runtime may take the code in {@code versionCode}: a copy of at most {@value
     * #WARM_CODE_MAX_FILES} files and 64 MiB takes less than a cold start saves. Blocking.
     */
    public boolean fitsWarmRuntime(Path versionCode) {
        try {
            return Folders.fitsWithin(versionCode, WARM_CODE_MAX_BYTES, WARM_CODE_MAX_FILES);
        } catch (IOException e) {
            return false;
        }
    }

    /** Copies a version's code into a warm runtime's own folder, readable by its group only. Blocking. */
    void copyCode(Path versionCode, Path codeDir, int gid) throws IOException {
        Folders.copy(versionCode, codeDir, "rw-r-----", "rwxr-x---", gid);
    }

    private Path tmpDir(String instanceId, int uid, int gid) {
        Path tmp = folder.tmp(instanceId);
        try {
            Folders.createDirectory(tmp, "rwx------");
            if (uid != -1) {
                Files.setAttribute(tmp, "unix:uid", uid);
                Files.setAttribute(tmp, "unix:gid", gid);
            }
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the instance's folder " + tmp + ": " + e, e);
        }
    }

    void released(int uid, int ownGid, CodeCopies.Copy code) {
        if (uid != -1) {
            ids.release(uid);
        }
        if (ownGid != -1) {
            ids.release(ownGid);
        }
        if (code != null) {
            codeCopies.release(code);
        }
    }

    /** The live versions ({@code env/service/version}): code copies of the others go once their instances have. */
    public void retain(Set<String> liveVersions) {
        if (mode == Mode.SEPARATE_USERS) {
            housekeeping.execute(() -> codeCopies.retain(liveVersions));
        }
    }

    /** Removes the instance folder; call after every instance has exited. */
    @Override
    public void close() {
        housekeeping.close();
        folder.delete();
    }
}
