package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one instance runs as and with: its uid (or this data plane's user), its version's code
 * folder, and its own temporary folder, which is also its home. {@link #close()} once the
 * instance has exited.
 */
public final class InstanceSandbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InstanceSandbox.class.getName());

    private final InstanceIsolation isolation;
    private final int uid;
    private final int gid;
    private final CodeCopies.Copy code;
    private final Path codeDir;
    private final boolean ownCode;
    private final Path tmpDir;

    /**
     * @param uid the instance's own uid, or -1 to run as this data plane's user
     * @param gid its group: its version's, or its own when {@code ownCode}; -1 with {@code uid}
     * @param code the version's code copy, or {@code null} to run in the version's own folder or in
     *     its own
     * @param ownCode whether {@code codeDir} is the instance's own (a warm runtime's), removed with it
     */
    InstanceSandbox(
            InstanceIsolation isolation,
            int uid,
            int gid,
            CodeCopies.Copy code,
            Path codeDir,
            boolean ownCode,
            Path tmpDir) {
        this.isolation = isolation;
        this.uid = uid;
        this.gid = gid;
        this.code = code;
        this.codeDir = codeDir;
        this.ownCode = ownCode;
        this.tmpDir = tmpDir;
    }

    /** The code folder the instance runs in (its working directory). */
    public Path codeDir() {
        return codeDir;
    }

    /** The instance's own writable folder: {@code TMPDIR}, {@code HOME}, {@code java.io.tmpdir}. */
    public Path tmpDir() {
        return tmpDir;
    }

    /**
     * {@code argv} run through {@code setpriv}: as the instance's uid and its version's gid with no
     * supplementary groups, no capabilities and {@code no_new_privs}, killed when its parent thread
     * dies. setpriv sets the parent-death signal after changing credentials (which clears it).
     */
    public List<String> command(List<String> argv) {
        if (!isolation.hasSetpriv()) {
            return argv;
        }
        List<String> command = new ArrayList<>(argv.size() + 12);
        command.add(InstanceIsolation.SETPRIV.toString());
        if (uid != -1) {
            command.addAll(List.of(
                    "--reuid",
                    Integer.toString(uid),
                    "--regid",
                    Integer.toString(gid),
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--bounding-set=-all"));
        }
        command.addAll(List.of("--no-new-privs", "--pdeathsig", "SIGKILL", "--"));
        command.addAll(argv);
        return command;
    }

    /**
     * Fills a warm runtime's own code folder (still empty; its working directory) with a copy of a
     * version's code. Blocking.
     */
    public void takeCode(Path versionCode) throws IOException {
        if (!ownCode) {
            throw new IllegalStateException("not a warm runtime's sandbox: " + codeDir);
        }
        isolation.copyCode(versionCode, codeDir, gid);
    }

    /** Environment variables pointing the instance at its own folder. */
    public Map<String, String> environment() {
        return Map.of("TMPDIR", tmpDir.toString(), "HOME", tmpDir.toString());
    }

    /**
     * Kills what the instance left running under its own uid (a daemon it forked escapes the
     * parent-death signal); call once it has exited. Nothing to do for an instance that ran as this
     * data plane's user: its leftovers cannot be told from the data plane's other processes.
     */
    public void killLeftovers() {
        if (uid != -1) {
            StrayProcesses.kill(uid);
        }
    }

    /** Removes the instance's folder, frees its uid and its share of the code copy; after {@link #killLeftovers()}. */
    @Override
    public void close() {
        try {
            Folders.delete(tmpDir);
            if (ownCode) {
                Folders.delete(codeDir);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the instance folder {0}: {1}", tmpDir, e.toString());
        }
        isolation.released(uid, ownCode ? gid : -1, code);
    }
}
