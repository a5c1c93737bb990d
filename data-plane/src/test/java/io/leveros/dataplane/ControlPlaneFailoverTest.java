package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import io.leveros.proto.control.RoutingSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A data plane given two control planes ({@code --control-plane A,B}): two real gRPC servers. */
class ControlPlaneFailoverTest {
    BlockedThreadWatch blocked;
    FakeControlPlane first;
    FakeControlPlane second;
    DataPlane dataPlane;
    Http http;

    @BeforeEach
    void controlPlanes() throws Exception {
        blocked = BlockedThreadWatch.install();
        first = new FakeControlPlane();
        second = new FakeControlPlane();
    }

    @AfterEach
    void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
        }
        first.close();
        second.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    /** The same store revision as each control plane would publish it: cluster revisions are each its own. */
    static RoutingSnapshot routes(long clusterRevision) {
        return snapshot(5, "dev.lever", service("hello", version(1, testInstanceArgv()))).toBuilder()
                .setClusterRevision(clusterRevision)
                .build();
    }

    void start(String controlPlanes) throws Exception {
        // The same credential for both; the first's file goes with it when it is closed.
        dataPlane = TestDataPlane.start(
                first,
                "--control-plane",
                controlPlanes,
                "--node-credential-file",
                second.credentialFile().toString());
        http = new Http(dataPlane.port());
    }

    @Test
    void routesFailOverToTheSecondWhenTheFirstGoesAndWarmServicesKeepAnsweringWithBothGone() throws Exception {
        first.push(routes(100));
        second.push(routes(1)); // started later than the first, or counts slower: a lower cluster revision
        start(first.address() + "," + second.address());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dataPlane.routing().table().clusterRevision() == 100);
        assertThat(http.json("/hello/echo", "[\"warm\"]").statusCode()).isEqualTo(200);
        // Reports go to both; routes come from the first only.
        await().atMost(Duration.ofSeconds(10)).until(() -> first.reports() > 0 && second.reports() > 0);
        assertThat(first.subscribers()).isEqualTo(1);
        assertThat(second.subscribers()).isZero();

        long gone = System.nanoTime();
        first.close();
        // ~0.1 s alone; a loaded 2-core machine (the whole suite at once) once took over 2 s
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> dataPlane.routing().table().clusterRevision() == 1);
        long failoverMs = (System.nanoTime() - gone) / 1_000_000;
        System.out.println("routes failed over to the second control plane in " + failoverMs + " ms");
        int reportsBefore = second.reports();
        await().atMost(Duration.ofSeconds(5)).until(() -> second.reports() > reportsBefore);
        assertThat(http.json("/hello/echo", "[\"after failover\"]").statusCode())
                .isEqualTo(200);

        second.push(routes(2).toBuilder().setRevision(6).build());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> dataPlane.routing().table().revision() == 6);

        second.close(); // every control plane gone: the last table and the warm instance keep serving
        for (int i = 0; i < 20; i++) {
            assertThat(http.json("/hello/echo", "[" + i + "]").statusCode()).isEqualTo(200);
        }
        assertThat(dataPlane.routing().table().revision()).isEqualTo(6);
    }

    @Test
    void aFirstControlPlaneThatDoesNotAnswerIsPassedOver() throws Exception {
        String nobody = first.address();
        first.close(); // its port now refuses connections
        second.push(routes(1));
        long started = System.nanoTime();
        start(nobody + "," + second.address());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> dataPlane.routing().table().revision() == 5);
        System.out.println("first routes from the second control plane after "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> second.reports() > 0);
    }
}
