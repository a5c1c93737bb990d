package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timeouts, the routing subscription and shutdown, each with its own data plane. */
class LifecycleTest {
    static final ObjectMapper JSON = new ObjectMapper();

    BlockedThreadWatch blocked;
    FakeControlPlane controlPlane;
    DataPlane dataPlane;
    Http http;

    @BeforeEach
    void controlPlane() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
    }

    void start(String... extra) throws Exception {
        dataPlane = TestDataPlane.start(controlPlane, extra);
        http = new Http(dataPlane.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
        }
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    @Test
    void healthIs503UntilTheFirstSnapshotAndRoutesSurviveAReconnect() throws Exception {
        start();
        HttpRequest.Builder health =
                HttpRequest.newBuilder(http.uri("/_lever/health")).GET();
        assertThat(http.send(health).statusCode()).isEqualTo(503);
        HttpResponse<String> early = http.json("/hello/echo", "[]");
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.body()).contains("no routing table yet");

        controlPlane.push(snapshot(5, "dev.lever", service("hello", version(1, testInstanceArgv()))));
        await().atMost(Duration.ofSeconds(10)).until(() -> http.send(health).statusCode() == 200);
        assertThat(JSON.readTree(http.send(health).body()).get("routes").asLong())
                .isEqualTo(5);

        controlPlane.dropStreams();
        assertThat(http.send(health).statusCode()).isEqualTo(200); // keeps serving the last table
        controlPlane.push(snapshot(6, "dev.lever", service("hello", version(1, testInstanceArgv()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dataPlane.routing().table().revision() == 6);
    }

    @Test
    void anInstanceThatNeverListensIs503AfterTheStartTimeout() throws Exception {
        start("--instance-start-timeout", "1500ms");
        controlPlane.push(snapshot(1, "dev.lever", service("mute", version(1, testInstanceArgv("--never-listen")))));
        await().until(() -> dataPlane.routing().ready());
        HttpResponse<String> response = http.json("/mute/echo", "[]");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("NO_INSTANCE").contains("was not ready within 1500 ms");
        assertThat(response.body()).contains("never listens");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dataPlane.runtime().live().isEmpty());
    }

    @Test
    void aCallLongerThanTheRequestTimeoutIs504() throws Exception {
        start("--request-timeout", "1s");
        controlPlane.push(snapshot(1, "dev.lever", service("slow", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready());
        assertThat(http.json("/slow/sleep", "[10]").statusCode()).isEqualTo(200);
        HttpResponse<String> response = http.json("/slow/sleep", "[5000]");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("INSTANCE_TIMEOUT");
    }

    @Test
    void stoppingTheDataPlaneLeavesNoInstanceProcess() throws Exception {
        start();
        controlPlane.push(snapshot(
                1,
                "dev.lever",
                service("a", version(1, testInstanceArgv()).setMinInstances(2)),
                service("b", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready());
        assertThat(http.json("/a/id", "[]").statusCode()).isEqualTo(200);
        assertThat(http.json("/b/id", "[]").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> dataPlane.runtime().live().size() == 3);
        List<Long> pids = dataPlane.runtime().live().stream().map(i -> i.pid()).toList();
        dataPlane.close();
        dataPlane = null;
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("instance pid %d still alive", pid)
                    .isFalse();
        }
    }

    /**
     * An instance that closed its port but lives on (a runtime whose shutdown hangs after a SIGTERM
     * from outside) takes no more calls, and is killed once the drain timeout has passed.
     */
    @Test
    void anInstanceThatRefusesCallsButLivesOnIsKilledAfterTheDrainTimeout() throws Exception {
        start("--drain-timeout", "1s");
        controlPlane.push(snapshot(1, "dev.lever", service("stuck", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready());
        long pid = Long.parseLong(http.json("/stuck/pid", "[]").body());
        int port = dataPlane.runtime().live().iterator().next().port();
        assertThat(http.json("/stuck/closePort", "[]").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !listens(port));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        HttpResponse<String> next = http.json("/stuck/pid", "[]"); // refused there, so started elsewhere
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(Long.parseLong(next.body())).isNotEqualTo(pid);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> dataPlane.runtime().live().stream().noneMatch(i -> i.pid() == pid));
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void idleInstancesAreStopped() throws Exception {
        start("--idle-check-interval", "100ms");
        controlPlane.push(snapshot(
                1, "dev.lever", service("idle", version(1, testInstanceArgv()).setIdleTimeoutMs(500))));
        await().until(() -> dataPlane.routing().ready());
        assertThat(http.json("/idle/id", "[]").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> dataPlane.runtime().live().isEmpty());
        assertThat(http.json("/idle/id", "[]").statusCode()).isEqualTo(200); // scaled from zero again
    }
}
