package io.leveros.dataplane.instance;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hard memory limits for instance processes where the OS offers them: a Linux memory cgroup per
 * instance (cgroup v2 {@code memory.max}, else v1 {@code memory.limit_in_bytes}). An instance that
 * goes over is killed by the kernel, and {@link Limit#exceeded()} tells so afterwards. Where there is
 * no writable memory cgroup the data plane refuses to start, unless told to run instances with their
 * runtime's heap flags only ({@code --allow-unlimited-ram}), which it then says once at start:
 * enforcement is never dropped silently.
 *
 * <p>The instances' groups are made in a group of this data plane's own, {@code
 * lever-dataplane-<pid>-<random>}, inside the cgroup the data plane runs in. Data planes on one
 * machine often run in the same cgroup (a cluster's nodes in network namespaces, a test's
 * platforms), and an instance's group is named after its id: in one shared folder, two data planes'
 * instances of the same id would share one limit.
 */
public final class MemoryLimits {
    private static final System.Logger LOG = System.getLogger(MemoryLimits.class.getName());
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final String DATA_PLANE_GROUP = "lever-dataplane-";

    /** One instance's cgroup, or none. */
    public interface Limit {
        /** Whether the kernel killed the instance for going over its limit. */
        boolean exceeded();

        /** Removes the cgroup once its process has exited. */
        void remove();
    }

    private static final Limit NONE = new Limit() {
        @Override
        public boolean exceeded() {
            return false;
        }

        @Override
        public void remove() {}
    };

    private final Path parent;
    private final boolean v2;

    private MemoryLimits(Path parent, boolean v2) {
        this.parent = parent;
        this.v2 = v2;
    }

    /** This data plane's group, which instances' groups are made in, or {@code null} when there is none. */
    Path parent() {
        return parent;
    }

    /**
     * The memory cgroup this process is in, if the data plane may make children in it.
     *
     * @param allowUnlimited whether to go on without one (warned once) rather than refuse
     * @throws IllegalStateException when there is none and {@code allowUnlimited} is false
     */
    public static MemoryLimits detect(boolean allowUnlimited) {
        MemoryLimits limits = detect();
        if (limits.parent == null && !allowUnlimited) {
            throw new IllegalStateException(
                    "no writable memory cgroup (in /sys/fs/cgroup, for this process's cgroup in "
                            + "/proc/self/cgroup): instances could not be held to their lever.json ram. Run the data plane "
                            + "as root where /sys/fs/cgroup is visible (under `ip netns exec` it is hidden: use `nsenter "
                            + "--net=/run/netns/<name>` instead), or start it with --allow-unlimited-ram to run instances "
                            + "held by their runtime's heap flags only");
        }
        if (limits.parent == null) {
            LOG.log(
                    Level.WARNING,
                    "no writable memory cgroup: instances are held to their ram by their runtime's heap limit only"
                            + " (--allow-unlimited-ram)");
        }
        return limits;
    }

    /**
     * A group of this data plane's own in the memory cgroup this process is in, if it may make
     * children there; none: no parent.
     */
    static MemoryLimits detect() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                    Path dir = CGROUP_ROOT.resolve("memory").resolve(parts[2].substring(1));
                    if (Files.isWritable(dir) && Files.exists(dir.resolve("memory.limit_in_bytes"))) {
                        return inGroupOfItsOwn(dir, false);
                    }
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Path dir = CGROUP_ROOT.resolve(line.substring(4));
                    if (Files.isWritable(dir)
                            && Files.readString(dir.resolve("cgroup.subtree_control"))
                                    .contains("memory")) {
                        return inGroupOfItsOwn(dir, true);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroups here
        }
        return new MemoryLimits(null, false);
    }

    private static MemoryLimits inGroupOfItsOwn(Path shared, boolean v2) throws IOException {
        removeLeftovers(shared);
        Path own = Files.createDirectory(shared.resolve(DATA_PLANE_GROUP
                + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt())));
        if (v2) {
            Files.writeString(own.resolve("cgroup.subtree_control"), "+memory");
        }
        return new MemoryLimits(own, v2);
    }

    /**
     * Removes what data planes that did not stop left in {@code shared} (killed with SIGKILL, their
     * instances died with them, the cgroups stayed): the groups of data planes whose process is
     * gone, with their instances' empty groups, and the empty instance groups of the layout before
     * data planes had groups of their own. A cgroup with a process in it cannot be removed, and a
     * running data plane's group is not touched.
     */
    static void removeLeftovers(Path shared) {
        int removed = 0;
        for (Path group : groups(shared)) {
            String name = group.getFileName().toString();
            if (name.startsWith(DATA_PLANE_GROUP)) {
                if (runs(name.substring(DATA_PLANE_GROUP.length()))) {
                    continue;
                }
                removed += (int)
                        groups(group).stream().filter(MemoryLimits::removeEmpty).count();
            }
            removed += removeEmpty(group) ? 1 : 0;
        }
        if (removed > 0) {
            LOG.log(Level.INFO, "removed {0} memory cgroups left by a data plane that did not stop", removed);
        }
    }

    /** The {@code lever-*} groups in {@code dir}. */
    private static List<Path> groups(Path dir) {
        List<Path> groups = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "lever-*")) {
            found.forEach(groups::add);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not list {0}: {1}", dir, e.toString());
        }
        return groups;
    }

    /** Whether the process of {@code <pid>-<random>} runs. */
    private static boolean runs(String pidAndRandom) {
        try {
            long pid = Long.parseLong(pidAndRandom.substring(0, pidAndRandom.indexOf('-')));
            return ProcessHandle.of(pid).isPresent();
        } catch (RuntimeException e) {
            return true; // not a name this class made: left alone
        }
    }

    /** Removes {@code group} if no process and no group is in it (rmdir). */
    private static boolean removeEmpty(Path group) {
        try {
            Files.delete(group);
            return true;
        } catch (IOException e) {
            return false; // in use, or not ours to remove
        }
    }

    /** Removes this data plane's group, once its instances' groups are removed. */
    public void close() {
        if (parent != null && !removeEmpty(parent)) {
            LOG.log(Level.DEBUG, "could not remove {0}: an instance's group is left in it", parent);
        }
    }

    /**
     * Puts {@code pid} in a new cgroup limited to {@code ramMb}. A failure is logged and the instance
     * runs without a hard limit.
     */
    Limit limit(String instanceId, long pid, int ramMb) {
        if (parent == null) {
            return NONE;
        }
        Path group = parent.resolve("lever-" + instanceId);
        try {
            Files.createDirectories(group);
            long bytes = ramMb * 1024L * 1024L;
            Files.writeString(group.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(bytes));
            if (!v2 && Files.isWritable(group.resolve("memory.memsw.limit_in_bytes"))) {
                Files.writeString(group.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes)); // no swap
            }
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "instance {0}: no hard memory limit ({1})", instanceId, e.toString());
            return NONE;
        }
        return new Limit() {
            @Override
            public boolean exceeded() {
                try {
                    if (v2) {
                        return counter(Files.readString(group.resolve("memory.events")), "oom_kill") > 0;
                    }
                    long kills = counter(Files.readString(group.resolve("memory.oom_control")), "oom_kill");
                    return kills >= 0 // older kernels do not count kills: the limit was hit, then
                            ? kills > 0
                            : Long.parseLong(Files.readString(group.resolve("memory.failcnt"))
                                            .trim())
                                    > 0;
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }

            @Override
            public void remove() {
                try {
                    Files.deleteIfExists(group);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "could not remove {0}: {1}", group, e.toString());
                }
            }
        };
    }

    /** The value of {@code name} in a cgroup key-value file ({@code name value} per line), or -1. */
    private static long counter(String file, String name) {
        for (String line : file.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }
}
