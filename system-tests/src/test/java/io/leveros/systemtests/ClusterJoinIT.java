package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node joins a running platform as an operator joins one: `lever nodes join-token`, then `lever up
 * --join ... --join-token-file` on the new node (a data plane only). It is listed with its state and
 * memory, and a version whose ram fits on no node is refused with a reason in `lever status`.
 */
class ClusterJoinIT {
    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static Process joined;
    static Path joinedDataDir;
    static Path joinedLog;

    @BeforeAll
    static void start() throws IOException {
        platform = LeverPlatform.start("cluster-join");
        LeverPlatform.CliResult made = platform.lever("nodes", "join-token", "--expires", "1h");
        assertThat(made.exitCode()).as(made.toString()).isZero();
        assertThat(made.stdout()).startsWith("lvj_");
        Path tokenFile = Files.writeString(temp.resolve("join-token"), made.stdout());
        joinedDataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "joined-data-");
        joinedLog = Path.of("target", "joined-" + System.nanoTime() + ".log").toAbsolutePath();
        joined = new ProcessBuilder(List.of(
                        LeverPlatform.LEVER.toString(),
                        "--data-dir",
                        joinedDataDir.toString(),
                        "up",
                        "--join",
                        "127.0.0.1:" + platform.grpcPort(),
                        "--join-token-file",
                        tokenFile.toString(),
                        "--node-id",
                        "joined",
                        "--memory-capacity",
                        "1g",
                        "--port",
                        String.valueOf(LeverPlatform.freePort()),
                        "--gateway-port",
                        String.valueOf(LeverPlatform.freePort()),
                        "--forwarding-port",
                        String.valueOf(LeverPlatform.freePort())))
                .redirectErrorStream(true)
                .redirectOutput(joinedLog.toFile())
                .start();
        await("lever up --join ready (log: " + joinedLog + ")")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .failFast("lever up --join exited", () -> !joined.isAlive())
                .until(() -> Files.readString(joinedLog).contains("Node 'joined' is up"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (joined != null) {
            joined.destroy();
            joined.waitFor(60, TimeUnit.SECONDS);
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void theJoinedNodeKeepsItsCredentialAndIsListedWithItsStateAndMemory() throws IOException {
        Path credential = joinedDataDir.resolve("node/node.credential");
        assertThat(Files.readString(credential)).startsWith("lvn1.joined.");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)))
                .isEqualTo("rw-------");
        await("lever nodes lists the joined node, ready")
                .atMost(Duration.ofSeconds(10))
                .until(() -> platform.lever("nodes")
                        .stdout()
                        .lines()
                        .anyMatch(line ->
                                line.startsWith("joined") && line.contains("ready") && line.contains("1.0 GB")));
        assertThat(platform.lever("nodes").stdout()).contains("local");
        String nodes = platform.api("/nodes");
        assertThat(nodes).contains("\"memoryTotalBytes\":1073741824", "\"state\":\"ready\"");
        assertThat(platform.lever("nodes", "join-tokens").stdout()).contains("j-");
    }

    @Test
    void aVersionWhoseRamFitsOnNoNodeIsRefusedWithTheReason() {
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"huge\", \"javaEntry\": \"io.leveros.testservice.TestService\", \"ram\": 65536,"
                        + " \"minInstances\": 1}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.stderr())
                .contains("huge v1 could not start")
                .contains("cannot start anywhere: placed 0 of 1 instances: ram 65536 MB fits in the free memory of no"
                        + " node");
        await("lever status says why huge runs nowhere")
                .atMost(Duration.ofSeconds(20))
                .until(() -> platform.api("/scaling").contains("ram 65536 MB fits in the free memory of no node"));
        assertThat(platform.lever("status").stdout()).contains("placed 0 of 1 instances: ram 65536 MB");
    }
}
