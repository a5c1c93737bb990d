package io.leveros.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.cluster.Leadership;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.scaling.Autoscaler;
import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.ServingVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** When a starting version goes live or fails, on a real store, registry and autoscaler; reports made up. */
class VersionStartsTest {
    private static final long TICK = Duration.ofMillis(250).toNanos();

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FileMetadataStore store;
    private final NodeRegistry nodes = new NodeRegistry(Duration.ofHours(1));
    private Autoscaler autoscaler;
    private VersionStarts starts;
    private long now = 1_000_000_000L;
    private long sequence;

    @BeforeEach
    void setUp() {
        store = FileMetadataStore.open(dir, Clock.systemUTC());
        nodes.ram((environment, service, version) -> 256L << 20);
        autoscaler = new Autoscaler(
                store,
                nodes,
                new Autoscaler.Settings(Duration.ofMillis(250), Duration.ofSeconds(45), Duration.ofMinutes(5)));
        starts = new VersionStarts(
                store,
                nodes,
                autoscaler,
                () -> new Leadership.State("cp", false, "other", 0),
                Duration.ofSeconds(10),
                registry);
        deploy(1);
        report(serving(1, 2, ""));
        tick();
        store.finishStart("dev.lever", "svc", 1);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aStartingVersionGoesLiveOnceAsManyInstancesAsPlacedAreReady() {
        deploy(2);
        report(serving(1, 2, ""), serving(2, 0, ""));
        tick();
        assertThat(service().liveVersion()).isEqualTo(1);
        report(serving(1, 2, ""), serving(2, 1, ""));
        tick();
        assertThat(service().liveVersion()).as("1 of 2 ready").isEqualTo(1);
        report(serving(1, 2, ""), serving(2, 2, ""));
        tick();
        assertThat(service().liveVersion()).isEqualTo(2);
        assertThat(service().startingVersion()).isZero();
    }

    @Test
    void onTheLeaderTheReportOfTheLastReadyInstanceEndsTheStartWithoutWaitingForATick() {
        new VersionStarts(
                store,
                nodes,
                autoscaler,
                () -> new Leadership.State("cp", true, "cp", 0),
                Duration.ofSeconds(10),
                registry);
        deploy(2);
        report(serving(1, 2, ""), serving(2, 0, ""));
        tick(); // places v2's instances
        report(serving(1, 2, ""), serving(2, 2, ""));
        assertThat(service().liveVersion()).isEqualTo(2);
    }

    @Test
    void aVersionWhoseInstanceFailsToStartNeverGoesLiveAndTheReasonIsKept() {
        deploy(2);
        report(serving(1, 2, ""), serving(2, 1, "exited with code 3 before it was ready; its last output: boom"));
        tick();
        assertThat(service().liveVersion()).isEqualTo(1);
        assertThat(service().startingVersion()).isZero();
        assertThat(service().failedVersion()).isEqualTo(2);
        assertThat(service().startFailure())
                .isEqualTo("v2 could not start: exited with code 3 before it was ready; its last output: boom"
                        + " (node node-0)");
        assertThat(registry.get("lever.deploy.start.failures")
                        .tags("environment", "dev.lever", "service", "svc")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aVersionNotReadyWithinTheStartTimeoutFails() {
        deploy(2);
        for (int i = 0; i < 42; i++) { // 41 ticks after the first check: 10.25 s
            report(serving(1, 2, ""), serving(2, 0, ""));
            tick();
        }
        assertThat(service().liveVersion()).isEqualTo(1);
        assertThat(service().startFailure())
                .isEqualTo("v2 had 0 of 2 instances ready after PT10S (lever.deploy.start-timeout)");
    }

    private ServiceRecord service() {
        return store.snapshot().service("dev.lever", "svc").orElseThrow();
    }

    private void tick() {
        now += TICK;
        autoscaler.tick(now);
        starts.check(now);
    }

    private void deploy(long version) {
        store.reserveVersion("dev.lever", "svc");
        store.commitVersion(new VersionRecord(
                "dev.lever",
                "svc",
                version,
                Instant.now(),
                "",
                new VersionEntry("Svc", null, null),
                false,
                4,
                2,
                0,
                256,
                null,
                null,
                new JsonMapper().readTree("{}"),
                1,
                1,
                null,
                0,
                "ab".repeat(32),
                100,
                null,
                null));
    }

    private static ServingVersion serving(long version, int ready, String startFailure) {
        return ServingVersion.newBuilder()
                .setEnvironment("dev.lever")
                .setService("svc")
                .setVersion(version)
                .setReadyInstances(ready)
                .setStartFailure(startFailure)
                .build();
    }

    private void report(ServingVersion... serving) {
        InstanceReport.Builder report = InstanceReport.newBuilder()
                .setNodeId("node-0")
                .setForwardingAddress("127.0.0.1:3500")
                .setSequence(++sequence)
                .setMeasuredAtMicros(now / 1_000);
        for (ServingVersion version : serving) {
            report.addServing(version);
        }
        nodes.report(report.build());
    }
}
