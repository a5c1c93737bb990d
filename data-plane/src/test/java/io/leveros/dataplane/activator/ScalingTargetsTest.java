package io.leveros.dataplane.activator;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.DataPlane;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.isolation.InstanceIsolation;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.ScalingTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data plane carries out the autoscaler's targets for its node, with real instance processes. */
class ScalingTargetsTest {
    private static final String POOL = "dev.lever/scaled/1";

    BlockedThreadWatch blocked;
    FakeControlPlane controlPlane;
    DataPlane dataPlane;
    long clusterRevision;

    @BeforeEach
    void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(
                controlPlane,
                "--node-id",
                "this-node",
                "--idle-check-interval",
                "100ms",
                "--max-start-attempts",
                "3",
                "--warm-up-calls",
                "50");
    }

    @AfterEach
    void stop() throws Exception {
        dataPlane.close();
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    /** The snapshot with a target of {@code instances} here, decided on report {@code sequence}. */
    private void target(int instances, long sequence) {
        target(instances, sequence, testInstanceArgv());
    }

    /** The same, for a version that runs {@code argv}. */
    private void target(int instances, long sequence, List<String> argv) {
        RoutingSnapshot base = snapshot(1, "dev.lever", service("scaled", version(1, argv)));
        controlPlane.push(base.toBuilder()
                .setClusterRevision(++clusterRevision)
                .addTargets(ScalingTarget.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("scaled")
                        .setVersion(1)
                        .setNodeId("this-node")
                        .setInstances(instances)
                        .setReportSequence(sequence))
                .addTargets(ScalingTarget.newBuilder() // another node's target: not for this one
                        .setEnvironment("dev.lever")
                        .setService("scaled")
                        .setVersion(1)
                        .setNodeId("other-node")
                        .setInstances(5)
                        .setReportSequence(sequence))
                .build());
    }

    private int ready() {
        return dataPlane.activator().readyInstances(POOL).size();
    }

    @Test
    void instancesStartAndStopToMeetTheTargetWithoutAnyCall() {
        target(2, 1_000_000);
        await("two instances before any call").atMost(Duration.ofSeconds(30)).until(() -> ready() == 2);
        target(1, 1_000_000);
        await("one drained and stopped").atMost(Duration.ofSeconds(30)).until(() -> ready() == 1);
        target(0, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 0);
        await("no instance process left")
                .atMost(Duration.ofSeconds(30))
                .until(() -> dataPlane.runtime().live().isEmpty());
    }

    @Test
    void aStartingVersionStartsToItsTargetTakesNoCallAndServesOnceLiveWhileTheOldOneDrains() throws Exception {
        target(1, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 1);
        String v1 = dataPlane.activator().readyInstances(POOL).getFirst().id();
        Http http = new Http(dataPlane.port());
        assertThat(http.json("/scaled/id", "[]").body()).contains(v1); // v1 serves calls: v2 will be warmed up
        startV2BesideV1(2);
        await("v2's instances, started before any call")
                .atMost(Duration.ofSeconds(30))
                .until(() -> dataPlane
                                .activator()
                                .readyInstances("dev.lever/scaled/2")
                                .size()
                        == 2);
        for (int i = 0; i < 5; i++) {
            assertThat(http.json("/scaled/id", "[]").body())
                    .as("v1 serves while v2 starts")
                    .contains(v1);
        }
        boolean root = InstanceIsolation.effectiveUid() == 0; // only root may give the priority back
        int background = root && Files.isExecutable(Path.of("/usr/bin/renice")) ? 10 : 0;
        assertThat(niceValues(dataPlane.activator().readyInstances(POOL).getFirst()))
                .as("v1, started live, runs at the normal priority")
                .containsOnly(0);
        for (Instance starting : dataPlane.activator().readyInstances("dev.lever/scaled/2")) {
            assertThat(niceValues(starting))
                    .as("v2 starts beside the live v1 at a low priority")
                    .containsOnly(background);
        }
        List<String> v2 = dataPlane.activator().readyInstances("dev.lever/scaled/2").stream()
                .map(instance -> instance.id())
                .toList();
        controlPlane.push(snapshot(3, "dev.lever", service("scaled", version(2, testInstanceArgv()))).toBuilder()
                .setClusterRevision(++clusterRevision)
                .addTargets(target("scaled", 2, 2))
                .build());
        await("calls go to v2's warm instances")
                .atMost(Duration.ofSeconds(5))
                .until(() -> v2.contains(http.json("/scaled/id", "[]").body().replace("\"", "")));
        assertThat(http.json("/scaled/warmUps", "[]").body())
                .as("each v2 instance answered the warm-up calls before it counted as ready")
                .isEqualTo("50");
        for (Instance live : dataPlane.activator().readyInstances("dev.lever/scaled/2")) {
            await("v2, live, gets the normal priority")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> niceValues(live).equals(Set.of(0)));
        }
        await("v1 drained and stopped").atMost(Duration.ofSeconds(30)).until(() -> ready() == 0);
        assertThat(dataPlane.activator().readyInstances("dev.lever/scaled/2").stream()
                        .map(instance -> instance.id()))
                .as("the warm instances serve, none started anew")
                .containsExactlyInAnyOrderElementsOf(v2);
    }

    @Test
    void aStartingVersionReplacingOneThatServesNoCallsIsNotWarmedUp() throws Exception {
        target(1, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 1);
        startV2BesideV1(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> dataPlane
                                .activator()
                                .readyInstances("dev.lever/scaled/2")
                                .size()
                        == 1);
        controlPlane.push(snapshot(3, "dev.lever", service("scaled", version(2, testInstanceArgv()))).toBuilder()
                .setClusterRevision(++clusterRevision)
                .addTargets(target("scaled", 2, 1))
                .build());
        Http http = new Http(dataPlane.port());
        String v2 = dataPlane
                .activator()
                .readyInstances("dev.lever/scaled/2")
                .getFirst()
                .id();
        await("calls go to v2")
                .atMost(Duration.ofSeconds(5))
                .until(() -> http.json("/scaled/id", "[]").body().contains(v2));
        assertThat(http.json("/scaled/warmUps", "[]").body())
                .as("v2, idle, takes the call (v1 hands over only busy ones) and was never warmed up")
                .isEqualTo("0");
    }

    /** The snapshot that starts v2 of "scaled", to {@code instances} here, while v1 (1 instance here) stays live. */
    private void startV2BesideV1(int instances) {
        controlPlane.push(snapshot(
                        2,
                        "dev.lever",
                        service("scaled", version(1, testInstanceArgv())).toBuilder()
                                .setStarting(version(2, testInstanceArgv()))
                                .build())
                .toBuilder()
                .setClusterRevision(++clusterRevision)
                .addTargets(target("scaled", 1, 1))
                .addTargets(target("scaled", 2, instances))
                .build());
    }

    /** The nice values of the instance's threads (field 19 of each {@code /proc/<pid>/task/<tid>/stat}). */
    private static Set<Integer> niceValues(Instance instance) throws IOException {
        try (Stream<Path> threads =
                Files.list(Path.of("/proc", Long.toString(instance.handle().pid()), "task"))) {
            Set<Integer> values = new HashSet<>();
            for (Path thread : threads.toList()) {
                String stat = Files.readString(thread.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                values.add(Integer.parseInt(fields[19 - 3]));
            }
            return values;
        }
    }

    private static ScalingTarget target(String service, long version, int instances) {
        return ScalingTarget.newBuilder()
                .setEnvironment("dev.lever")
                .setService(service)
                .setVersion(version)
                .setNodeId("this-node")
                .setInstances(instances)
                .setReportSequence(1_000_000)
                .build();
    }

    @Test
    void scaleDownStopsInstancesWithoutResourcesFirstAndClosesResourcesBeforeTheLast() throws Exception {
        dataPlane.close();
        List<String> output = new CopyOnWriteArrayList<>();
        dataPlane = TestDataPlane.start(
                controlPlane, output::add, "--node-id", "this-node", "--idle-check-interval", "100ms");
        target(3, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 3);
        Http http = new Http(dataPlane.port());
        await("the node's resource lease (its first report acknowledged)")
                .atMost(Duration.ofSeconds(10))
                .until(() -> http.json("/scaled/held/id", "[]").statusCode() == 200);
        String holder = http.json("/scaled/held/id", "[]").body().replace("\"", "");

        target(1, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 1);
        assertThat(dataPlane.activator().readyInstances(POOL).getFirst().id())
                .as("the instance holding a resource is kept longest")
                .isEqualTo(holder);
        assertThat(output).noneMatch(line -> line.contains("resource event close:held"));

        target(0, 1_000_000);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> dataPlane.runtime().live().isEmpty());
        // The holder printed the line before it stopped; its output reaches the sink asynchronously.
        await("CloseResource ran on the holder before it stopped")
                .atMost(Duration.ofSeconds(10))
                .until(() -> output.stream()
                        .anyMatch(line -> line.contains(holder) && line.contains("resource event close:held")));
        assertThat(controlPlane.releases()).contains("held");
    }

    @Test
    void aTargetDecidedBeforeACallStartedAnInstanceDoesNotStopIt() throws Exception {
        target(0, 0); // decided before anything ran here
        await().atMost(Duration.ofSeconds(10)).until(() -> dataPlane.routing().ready());
        Http http = new Http(dataPlane.port());
        assertThat(http.json("/scaled/echo", "[]").statusCode()).isEqualTo(200); // a cold start
        target(0, 0); // the same stale decision again
        await("the instance the call started stays through several reconcile rounds (every 100 ms)")
                .during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(5))
                .until(() -> ready() == 1);
        target(0, 1_000_000); // a decision that saw it
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 0);
    }

    @Test
    void aVersionThatKeepsFailingToStartIsGivenUpOn(@TempDir Path temp) throws Exception {
        Path starts = temp.resolve("starts");
        // the instances may run as other users: they must be able to append to it
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(Files.createFile(starts), PosixFilePermissions.fromString("rw-rw-rw-"));
        target(1, 1_000_000, List.of("sh", "-c", "echo start >> '" + starts + "'; echo boom; exit 3"));
        await("three failed starts, 1 s and 2 s apart")
                .atMost(Duration.ofSeconds(20))
                .until(() -> Files.readAllLines(starts).size() == 3);
        Http http = new Http(dataPlane.port());
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(http.json("/scaled/echo", "[]").body())
                        .contains("boom")
                        .contains("no start is tried again: it failed 3 times in a row"));
        await("no fourth start, though the target is still 1 and calls come (the next backoff was 4 s)")
                .during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(8))
                .until(() -> http.json("/scaled/echo", "[]").statusCode() == 503
                        && Files.readAllLines(starts).size() == 3);
    }
}
