package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runtime contract, clause by clause, with instances that warm runtimes became ({@code lever up
 * --warm-runtimes 2}, docs/data-plane.md "Warm runtimes"): the same tests as {@link
 * RuntimeConformanceIT}, and that such an instance is kept apart exactly as a cold-started one.
 */
class WarmRuntimesIT extends RuntimeConformanceTests {
    private static final int DEFAULT_RAM_BYTES = 256 * 1024 * 1024;

    @BeforeAll
    static void deployBothRuntimes() throws IOException {
        deployBothRuntimesOn(LeverPlatform.start("warm-runtimes", "--warm-runtimes", "2"));
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void theInstanceWasAWarmRuntime(Runtime runtime) {
        String id = body(call(runtime, "instanceId", "[]")).replace("\"", "");
        String prefix = "lever://dev.lever/" + runtime.service + " v1 [" + id.substring(0, Math.min(16, id.length()));
        assertThat(platform().logText().lines().filter(line -> line.startsWith(prefix)))
                .as("the instance's output")
                .anyMatch(line -> line.contains(" serving ") && line.endsWith(" ms, warm"));
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void aWarmRuntimeIsKeptApartAsAColdStartIs(Runtime runtime) throws IOException {
        long pid = Long.parseLong(body(call(runtime, "pid", "[]")));
        Path proc = Path.of("/proc", Long.toString(pid));

        // its own code folder, holding its version's code, is its working directory
        Path cwd = proc.resolve("cwd").toRealPath();
        assertThat(cwd.resolve("lever.json")).exists();
        assertThat(Files.readString(cwd.resolve("lever.json"))).contains(runtime.service);

        // the secrets it was told never reached the environment the process was started with
        String startEnvironment = Files.readString(proc.resolve("environ"), StandardCharsets.ISO_8859_1);
        assertThat(startEnvironment).doesNotContain("LEVEROS_INSTANCE_TOKEN").doesNotContain("LEVEROS_SERVICE");
        assertThat(body(call(runtime, "whoAmI", "[]"))).contains("\"service\":\"" + runtime.service + "\"");

        if (Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) { // the platform too: a uid each
            List<String> status = Files.readAllLines(proc.resolve("status"));
            String uids = status.stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .findFirst()
                    .orElseThrow();
            int uid = Integer.parseInt(uids.split("\\s+")[1]);
            assertThat(uid).as("its own uid, from --instance-uids").isBetween(2_000_000, 2_999_999);
            assertThat(Files.getAttribute(cwd, "unix:uid"))
                    .as("its code is not its own to change")
                    .isEqualTo(0);
        }
        Path memoryMax = memoryCgroup(proc);
        if (memoryMax != null) {
            assertThat(Files.readString(memoryMax).strip()).isEqualTo(Integer.toString(DEFAULT_RAM_BYTES));
        }
    }

    /** The {@code memory.max} of the process's cgroup (v2), or {@code null} without one. */
    private static Path memoryCgroup(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("cgroup"))) {
            if (line.startsWith("0::")) {
                Path max = Path.of("/sys/fs/cgroup" + line.substring(3), "memory.max");
                return Files.exists(max) ? max : null;
            }
        }
        return null;
    }
}
