package io.leveros.controlplane.scaling;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.ServingVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * One autoscaler tick over {@code services} live versions spread over 3 nodes, each version under
 * changing load (every report differs from the last), as the control plane runs it every 250 ms.
 * See docs/scaling.md for how to run it and the figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AutoscalerBenchmark {
    private static final int NODES = 3;

    @Param({"1000"})
    int services;

    private Path dir;
    private FileMetadataStore store;
    private NodeRegistry nodes;
    private Autoscaler autoscaler;
    private long now;
    private long round;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("autoscaler-bench");
        store = FileMetadataStore.open(dir, Clock.systemUTC());
        for (int i = 0; i < services; i++) {
            String name = "service-" + i;
            store.reserveVersion("dev.lever", name);
            store.commitVersion(new VersionRecord(
                    "dev.lever",
                    name,
                    1,
                    Instant.now(),
                    "",
                    new VersionEntry("Svc", null, null),
                    false,
                    4,
                    0,
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
            store.finishStart("dev.lever", name, 1);
        }
        nodes = new NodeRegistry(Duration.ofHours(1));
        autoscaler = new Autoscaler(
                store,
                nodes,
                new Autoscaler.Settings(Duration.ofMillis(250), Duration.ofSeconds(45), Duration.ofMinutes(5)));
        now = System.nanoTime();
    }

    /** New reports from every node (load changed everywhere), then one tick. */
    @Benchmark
    public int reportsAndTick() {
        round++;
        now += 250_000_000L;
        for (int node = 0; node < NODES; node++) {
            InstanceReport.Builder report = InstanceReport.newBuilder()
                    .setNodeId("node-" + node)
                    .setForwardingAddress("10.0.0." + node + ":3500")
                    .setSequence(round)
                    .setMeasuredAtMicros(now / 1_000);
            for (int i = node; i < services; i += NODES) {
                report.addServing(ServingVersion.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("service-" + i)
                        .setVersion(1)
                        .setReadyInstances(2)
                        .setInFlight((int) ((round + i) % 9))
                        .setCompletedCalls(round * 20)
                        .setLatencySumMicros(round * 20 * 5_000)
                        .setBusyMicros(round * 1_000_000));
            }
            nodes.report(report.build());
        }
        autoscaler.tick(now);
        return autoscaler.targets().size();
    }

    /** One tick alone, on the reports of the last round. */
    @Benchmark
    public int tickOnly() {
        now += 250_000_000L;
        autoscaler.tick(now);
        return autoscaler.targets().size();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
