package io.leveros.dataplane.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.DataPlane;
import io.leveros.dataplane.DataPlaneOptions;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new node joins with a join token once, keeps its credential, and reports its memory capacity. */
class ClusterJoinTest {
    FakeControlPlane controlPlane;

    @TempDir
    Path dir;

    @BeforeEach
    void controlPlane() throws Exception {
        controlPlane = new FakeControlPlane();
    }

    @AfterEach
    void stop() throws Exception {
        controlPlane.close();
    }

    @Test
    void joinsOnceKeepsTheCredentialAndReportsItsCapacity() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("join-token"), FakeControlPlane.JOIN_TOKEN + "\n");
        Path dataDir = dir.resolve("node");
        try (DataPlane first = start(dataDir, "--join-token-file", tokenFile.toString(), "--memory-capacity", "3g")) {
            Path credential = dataDir.resolve("node.credential");
            assertThat(Files.readString(credential).trim()).startsWith("lvn1.");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)))
                    .isEqualTo("rw-------");
            await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.lastReport() != null);
            assertThat(controlPlane.lastReport().getMemoryTotalBytes()).isEqualTo(3L << 30);
            assertThat(controlPlane.lastReport().getMemoryAvailableBytes()).isBetween(1L, 3L << 30);
        }
        Files.writeString(tokenFile, "lvj_no-longer-valid\n");
        try (DataPlane again = start(dataDir, "--join-token-file", tokenFile.toString())) {
            assertThat(controlPlane.joined()).as("joined once only").containsExactly("joiner");
        }
    }

    @Test
    void aRefusedJoinStopsTheStartWithTheReason() {
        Path tokenFile = write("lvj_wrong");
        assertThatThrownBy(() -> start(dir.resolve("node"), "--join-token-file", tokenFile.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot join the cluster")
                .hasMessageContaining("UNAUTHENTICATED the join token is not valid");
        assertThat(dir.resolve("node/node.credential")).doesNotExist();
    }

    @Test
    void noCredentialAndNoJoinTokenIsRefusedAtStart() {
        assertThatThrownBy(() -> start(dir.resolve("node")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node.credential does not exist")
                .hasMessageContaining("--join-token-file");
        Path notAToken = write("hello");
        assertThatThrownBy(() -> start(dir.resolve("node"), "--join-token-file", notAToken.toString()))
                .hasMessageContaining("does not hold a join token");
    }

    private Path write(String token) {
        try {
            return Files.writeString(dir.resolve("join-token"), token + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private DataPlane start(Path dataDir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--port",
                "0",
                "--gateway-port",
                "0",
                "--forwarding-port",
                "0",
                "--control-plane",
                controlPlane.address(),
                "--node-id",
                "joiner",
                "--data-dir",
                dataDir.toString(),
                "--allow-unlimited-ram"));
        args.addAll(List.of(extra));
        return DataPlane.start(
                DataPlaneOptions.parse(args.toArray(String[]::new)), BlockedThreadWatch.strictOptions(), line -> {});
    }
}
