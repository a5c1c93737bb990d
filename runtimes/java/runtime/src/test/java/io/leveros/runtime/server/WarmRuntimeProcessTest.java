package io.leveros.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime contract, checked against a warm runtime ({@code --warm}) ordered to serve the sample
 * service: every test of {@link RuntimeProcessTest}, whose calls see the environment of the order (the
 * instance id {@code slow} answers was not in the one it started with), and the ways an order can be
 * wrong.
 */
class WarmRuntimeProcessTest extends RuntimeProcessTest {
    @Override
    RuntimeProcess startSample(Path codeDir) throws IOException {
        return RuntimeProcess.startWarm(codeDir, SAMPLE, Map.of());
    }

    @Test
    void saysItWasWarm() {
        assertThat(startedRuntime().stdout).anyMatch(line -> line.startsWith("serving ") && line.endsWith(", warm"));
    }

    @Test
    void anOrderThatIsNotJsonIsRefused(@TempDir Path other) throws Exception {
        assertRefused(other, "not json\n", "warm runtime: the order is not JSON: ");
    }

    @Test
    void anOrderWithoutArgsIsRefused(@TempDir Path other) throws Exception {
        assertRefused(
                other,
                "{\"environment\": {}}\n",
                "warm runtime: the order {\"environment\": {}} lacks args (an array) or environment (an object)");
    }

    @Test
    void noOrderAtAllIsAStartFailure(@TempDir Path other) throws Exception {
        assertRefused(
                other,
                "",
                "warm runtime: standard input ended before the data plane named the service (expected one line of"
                        + " JSON)");
    }

    private static void assertRefused(Path dir, String order, String expectedStart) throws Exception {
        try (RuntimeProcess refused = RuntimeProcess.startWarmWithoutOrder(RuntimeProcess.codeFolder(dir))) {
            refused.order(order);
            assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(refused.stderr).as(refused.output()).anyMatch(line -> line.startsWith(expectedStart));
            assertThat(refused.stdout).noneMatch(line -> line.startsWith("serving"));
        }
    }
}
