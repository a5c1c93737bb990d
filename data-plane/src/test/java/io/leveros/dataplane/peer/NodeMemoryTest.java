package io.leveros.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeMemoryTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void theMachinesMemoryWithoutACgroupLimit() throws IOException {
        NodeMemory memory = new NodeMemory(0, meminfo(16 * GIB, 10 * GIB), cgroup("max", 0), dir.resolve("cg"));
        assertThat(memory.read()).isEqualTo(new NodeMemory.Reading(16 * GIB, 10 * GIB));
    }

    @Test
    void aLowerCgroupLimitIsTheCapacity() throws IOException {
        NodeMemory memory = new NodeMemory(
                0, meminfo(16 * GIB, 10 * GIB), cgroup(Long.toString(4 * GIB), 3 * GIB), dir.resolve("cg"));
        assertThat(memory.read()).isEqualTo(new NodeMemory.Reading(4 * GIB, GIB));
    }

    @Test
    void theCapacityGivenWins() throws IOException {
        NodeMemory memory = new NodeMemory(2 * GIB, meminfo(16 * GIB, 10 * GIB), cgroup("max", 0), dir.resolve("cg"));
        assertThat(memory.read()).isEqualTo(new NodeMemory.Reading(2 * GIB, 2 * GIB));
    }

    @Test
    void thisMachineHasSomeMemory() {
        NodeMemory.Reading reading = new NodeMemory(0).read();
        assertThat(reading.totalBytes()).isGreaterThan(64L << 20);
        assertThat(reading.availableBytes()).isPositive().isLessThanOrEqualTo(reading.totalBytes());
    }

    private Path meminfo(long total, long available) throws IOException {
        return Files.writeString(
                dir.resolve("meminfo"),
                "MemTotal:       " + total / 1024 + " kB\nMemFree:  1 kB\nMemAvailable:   " + available / 1024
                        + " kB\n");
    }

    private Path cgroup(String max, long current) throws IOException {
        Path group = Files.createDirectories(dir.resolve("cg/system.slice/lever.service"));
        Files.writeString(group.resolve("memory.max"), max + "\n");
        Files.writeString(group.resolve("memory.current"), current + "\n");
        return Files.writeString(dir.resolve("self-cgroup"), "0::/system.slice/lever.service\n");
    }
}
