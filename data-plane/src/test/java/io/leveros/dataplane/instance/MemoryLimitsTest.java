package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Against this machine's real memory cgroups; skipped where the data plane could not make any. */
class MemoryLimitsTest {
    private static final String LIMIT_FILE = "memory.limit_in_bytes";

    @Test
    void twoDataPlanesInstancesOfOneIdHaveALimitEach() throws Exception {
        MemoryLimits first = MemoryLimits.detect();
        assumeThat(first.parent()).as("a writable memory cgroup").isNotNull();
        MemoryLimits second = MemoryLimits.detect();
        Process one = new ProcessBuilder("sleep", "60").start();
        Process other = new ProcessBuilder("sleep", "60").start();
        String id = "same-" + UUID.randomUUID();
        MemoryLimits.Limit small = first.limit(id, one.pid(), 64);
        MemoryLimits.Limit large = second.limit(id, other.pid(), 128);
        try {
            assertThat(first.parent()).isNotEqualTo(second.parent());
            assertThat(limitOf(first, id)).isEqualTo(64L << 20);
            assertThat(limitOf(second, id)).isEqualTo(128L << 20);
        } finally {
            stop(one, small);
            stop(other, large);
            first.close();
            second.close();
        }
        assertThat(first.parent()).as("removed once its instances' groups are").doesNotExist();
        assertThat(second.parent()).doesNotExist();
    }

    @Test
    void groupsLeftByADataPlaneThatDiedAreRemovedAtStartButNotThoseInUse() throws Exception {
        MemoryLimits running = MemoryLimits.detect();
        assumeThat(running.parent()).as("a writable memory cgroup").isNotNull();
        Path shared = running.parent().getParent();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(5, TimeUnit.SECONDS);
        Path deadDataPlane = Files.createDirectory(shared.resolve("lever-dataplane-" + gone.pid() + "-0"));
        Path deadInstance = Files.createDirectory(deadDataPlane.resolve("lever-" + UUID.randomUUID()));
        Path olderLayout = Files.createDirectory(shared.resolve("lever-leftover-" + UUID.randomUUID()));
        Process instance = new ProcessBuilder("sleep", "60").start();
        String id = "in-use-" + UUID.randomUUID();
        MemoryLimits.Limit inUse = running.limit(id, instance.pid(), 64);
        try {
            MemoryLimits.removeLeftovers(shared);
            assertThat(deadInstance)
                    .as("an instance group of a data plane whose process is gone")
                    .doesNotExist();
            assertThat(deadDataPlane).doesNotExist();
            assertThat(olderLayout)
                    .as("an empty instance group of the layout before")
                    .doesNotExist();
            assertThat(running.parent().resolve("lever-" + id))
                    .as("the group of a running data plane's running instance")
                    .exists();
        } finally {
            stop(instance, inUse);
            running.close();
        }
        MemoryLimits idle = MemoryLimits.detect();
        try {
            MemoryLimits.removeLeftovers(shared);
            assertThat(idle.parent())
                    .as("a running data plane's group, empty or not")
                    .exists();
        } finally {
            idle.close();
        }
    }

    private static long limitOf(MemoryLimits limits, String id) throws Exception {
        Path group = limits.parent().resolve("lever-" + id);
        Path file = Files.exists(group.resolve(LIMIT_FILE)) ? group.resolve(LIMIT_FILE) : group.resolve("memory.max");
        return Long.parseLong(Files.readString(file).trim());
    }

    private static void stop(Process process, MemoryLimits.Limit limit) throws InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        limit.remove();
    }
}
