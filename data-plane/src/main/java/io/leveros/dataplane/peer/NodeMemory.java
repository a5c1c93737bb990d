package io.leveros.dataplane.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory this node offers instances, for its reports (the control plane places instances by
 * it): {@code MemTotal} and {@code MemAvailable} from {@code /proc/meminfo}, lowered to the data
 * plane's cgroup v2 limit ({@code memory.max} minus {@code memory.current}) where one is set, or
 * the {@code --memory-capacity} given (so several nodes simulated on one machine can differ).
 * Read on a worker thread (it reads files); 0 where nothing can be read.
 */
public final class NodeMemory {
    /** @param totalBytes the capacity; @param availableBytes free now, never above the capacity */
    public record Reading(long totalBytes, long availableBytes) {}

    private final long capacityBytes;
    private final Path procMeminfo;
    private final Path procSelfCgroup;
    private final Path cgroupRoot;

    /** @param capacityBytes {@code --memory-capacity}, or 0 for the machine's (or its cgroup's) own */
    public NodeMemory(long capacityBytes) {
        this(capacityBytes, Path.of("/proc/meminfo"), Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    NodeMemory(long capacityBytes, Path procMeminfo, Path procSelfCgroup, Path cgroupRoot) {
        this.capacityBytes = capacityBytes;
        this.procMeminfo = procMeminfo;
        this.procSelfCgroup = procSelfCgroup;
        this.cgroupRoot = cgroupRoot;
    }

    public Reading read() {
        long total = 0;
        long available = 0;
        try {
            for (String line : Files.readAllLines(procMeminfo)) {
                if (line.startsWith("MemTotal:")) {
                    total = kibibytes(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kibibytes(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or hidden: unknown
        }
        long limit = cgroupLimit();
        if (limit > 0 && (total == 0 || limit < total)) {
            total = limit;
            long left = Math.max(0, limit - cgroupUsage());
            available = available == 0 ? left : Math.min(available, left);
        }
        if (capacityBytes > 0) {
            total = capacityBytes;
        }
        return new Reading(total, Math.min(available, total));
    }

    /** {@code memory.max} of this process's cgroup (v2), or 0 when there is none or it is {@code max}. */
    private long cgroupLimit() {
        String value = cgroupFile("memory.max");
        if (value == null || value.equals("max")) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private long cgroupUsage() {
        String value = cgroupFile("memory.current");
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String cgroupFile(String name) {
        try {
            List<String> lines = Files.readAllLines(procSelfCgroup);
            for (String line : lines) {
                if (line.startsWith("0::")) {
                    Path file = cgroupRoot
                            .resolve(line.substring(3).replaceFirst("^/", ""))
                            .resolve(name);
                    return Files.exists(file) ? Files.readString(file).trim() : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 view: no limit known
        }
        return null;
    }

    /** {@code MemTotal:       16318024 kB} → bytes. */
    private static long kibibytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
