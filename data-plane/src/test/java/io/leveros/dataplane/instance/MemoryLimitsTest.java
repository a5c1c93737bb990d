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
    @Test
    void cgroupsLeftByADataPlaneThatDiedAreRemovedAtStartButNotThoseInUse() throws Exception {
        MemoryLimits limits = MemoryLimits.detect();
        assumeThat(limits.parent()).as("a writable memory cgroup").isNotNull();
        Path leftover = Files.createDirectory(limits.parent().resolve("lever-leftover-" + UUID.randomUUID()));
        Process running = new ProcessBuilder("sleep", "60").start();
        MemoryLimits.Limit inUse = limits.limit("in-use-" + UUID.randomUUID(), running.pid(), 64);
        try {
            MemoryLimits.removeLeftovers(limits.parent());
            assertThat(leftover).as("empty: left by a killed data plane").doesNotExist();
            assertThat(Files.list(limits.parent())
                            .filter(p -> p.getFileName().toString().startsWith("lever-in-use-")))
                    .as("the cgroup of a running instance")
                    .hasSize(1);
        } finally {
            running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            inUse.remove();
        }
    }
}
