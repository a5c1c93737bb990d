package io.leveros.dataplane.instance;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hard memory limits for instance processes where the OS offers them: a Linux memory cgroup per
 * instance, created under the data plane's own (cgroup v2 {@code memory.max}, else v1 {@code
 * memory.limit_in_bytes}). An instance that goes over is killed by the kernel, and {@link
 * Limit#exceeded()} tells so afterwards. Where there is no writable memory cgroup the data plane
 * refuses to start, unless told to run instances with their runtime's heap flags only ({@code
 * --allow-unlimited-ram}), which it then says once at start: enforcement is never dropped silently.
 */
public final class MemoryLimits {
    private static final System.Logger LOG = System.getLogger(MemoryLimits.class.getName());
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

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

    /** The cgroup instances' cgroups are made in, or {@code null} when there is none. */
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

    /** The memory cgroup this process is in, if the data plane may make children in it; none: no parent. */
    static MemoryLimits detect() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                    Path dir = CGROUP_ROOT.resolve("memory").resolve(parts[2].substring(1));
                    if (Files.isWritable(dir) && Files.exists(dir.resolve("memory.limit_in_bytes"))) {
                        return new MemoryLimits(removeLeftovers(dir), false);
                    }
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Path dir = CGROUP_ROOT.resolve(line.substring(4));
                    if (Files.isWritable(dir)
                            && Files.readString(dir.resolve("cgroup.subtree_control"))
                                    .contains("memory")) {
                        return new MemoryLimits(removeLeftovers(dir), true);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroups here
        }
        return new MemoryLimits(null, false);
    }

    /**
     * Removes the empty instance cgroups in {@code parent}: those a data plane killed with SIGKILL
     * left (its instances died with it, their cgroups stayed). A cgroup with a process in it cannot
     * be removed, so the instances of another data plane sharing the parent are never touched.
     */
    static Path removeLeftovers(Path parent) {
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(parent, "lever-*")) {
            int removed = 0;
            for (Path group : groups) {
                try {
                    Files.delete(group); // rmdir: fails while a process is in it
                    removed++;
                } catch (IOException e) {
                    // in use, or not ours to remove
                }
            }
            if (removed > 0) {
                LOG.log(Level.INFO, "removed {0} memory cgroups left by a data plane that did not stop", removed);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not list {0}: {1}", parent, e.toString());
        }
        return parent;
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
