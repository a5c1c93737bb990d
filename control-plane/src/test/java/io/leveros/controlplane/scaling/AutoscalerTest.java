package io.leveros.controlplane.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.core.stats.LatencyBuckets;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.ServingVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The autoscaler's rules, on a real store and registry, with reports made up and time passed by hand. */
class AutoscalerTest {
    private static final long TICK = Duration.ofMillis(250).toNanos();

    @TempDir
    Path dir;

    private FileMetadataStore store;
    private NodeRegistry nodes = new NodeRegistry(Duration.ofHours(1));
    /** Per node: the memory capacity it reports (0: none). */
    private final long[] capacity = new long[2];

    private Autoscaler autoscaler;
    private long now = 1_000_000_000L;
    private long sequence;
    /** Per node: completed calls and latency sum so far. */
    private final long[][] counters = new long[2][3];
    /** lever.json maxResourcesPerInstance of the next {@link #deploy}. */
    private int maxResourcesPerInstance;

    private void deploy(int minInstances, int maxInstances, Long scaleDownDelayMs) {
        store = FileMetadataStore.open(dir, Clock.systemUTC());
        store.reserveVersion("dev.lever", "svc");
        store.commitVersion(version(1, minInstances, maxInstances, scaleDownDelayMs));
        store.finishStart("dev.lever", "svc", 1);
        nodes.ram((environment, service, version) -> 256L << 20);
        autoscaler = new Autoscaler(
                store,
                nodes,
                new Autoscaler.Settings(Duration.ofMillis(250), Duration.ofSeconds(45), Duration.ofMinutes(5)));
    }

    private VersionRecord version(long version, int minInstances, int maxInstances, Long scaleDownDelayMs) {
        return new VersionRecord(
                "dev.lever",
                "svc",
                version,
                Instant.now(),
                "",
                new VersionEntry("Svc", null, null),
                false,
                4,
                minInstances,
                maxInstances,
                256,
                Duration.ofSeconds(30).toMillis(),
                scaleDownDelayMs,
                new JsonMapper().readTree("{}"),
                1,
                1,
                null,
                maxResourcesPerInstance,
                "ab".repeat(32),
                100,
                null,
                null);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * One node's report: {@code ready} instances, {@code inFlight} calls (all through the last
     * tick), {@code calls} more completed of 50 ms each.
     */
    private void report(int node, int ready, int inFlight, int calls) {
        report(node, ready, inFlight, calls, 0);
    }

    /** As {@link #report(int, int, int, int)}, with {@code bound} resources bound to the instances. */
    private void report(int node, int ready, int inFlight, int calls, int bound) {
        counters[node][0] += calls;
        counters[node][1] += calls * 50_000L;
        counters[node][2] += inFlight * 250_000L;
        nodes.report(InstanceReport.newBuilder()
                .setNodeId("node-" + node)
                .setForwardingAddress("127.0.0.1:350" + node)
                .setSequence(++sequence)
                .setMeasuredAtMicros(now / 1_000)
                .setMemoryTotalBytes(capacity[node])
                .addServing(ServingVersion.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("svc")
                        .setVersion(1)
                        .setReadyInstances(ready)
                        .setInFlight(inFlight)
                        .setCompletedCalls(counters[node][0])
                        .setLatencySumMicros(counters[node][1])
                        .setBusyMicros(counters[node][2])
                        .setBoundResources(bound))
                .build());
    }

    /**
     * One node's report with one ready instance and these cumulative counters: {@code completed}
     * calls, {@code failed} of them, and their latency bucket counts.
     */
    private void reportCounts(int node, long completed, long failed, long... buckets) {
        ServingVersion.Builder serving = ServingVersion.newBuilder()
                .setEnvironment("dev.lever")
                .setService("svc")
                .setVersion(1)
                .setReadyInstances(1)
                .setCompletedCalls(completed)
                .setFailedCalls(failed);
        for (long count : buckets) {
            serving.addLatencyBucketCounts(count);
        }
        nodes.report(InstanceReport.newBuilder()
                .setNodeId("node-" + node)
                .setForwardingAddress("127.0.0.1:350" + node)
                .setSequence(++sequence)
                .setMeasuredAtMicros(now / 1_000)
                .addServing(serving)
                .build());
    }

    private static long[] buckets(long fast, long slow, long overflow) {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[LatencyBuckets.indexOf(1_500)] = fast; // (1, 2] ms
        counts[LatencyBuckets.indexOf(400_000)] = slow; // (300, 500] ms
        counts[LatencyBuckets.OVERFLOW] = overflow;
        return counts;
    }

    private int tick() {
        now += TICK;
        autoscaler.tick(now);
        return autoscaler.targets().stream()
                .mapToInt(ScalingTarget::getInstances)
                .sum();
    }

    @Test
    void theStatusCountsCallsErrorsAndLatencyPercentilesBetweenTwoReportsOverAllNodes() {
        deploy(0, 0, null);
        reportCounts(0, 1_500, 700, buckets(0, 0, 1_500)); // before: slow, failing calls
        reportCounts(1, 0, 0); // a data plane that sends no buckets
        tick();
        Autoscaler.VersionStatus first = autoscaler.statuses().get("dev.lever/svc/1");
        assertThat(first.ratePerSecond())
                .as("one report per node: no interval yet")
                .isZero();
        assertThat(first.latencyP50Seconds()).isZero();
        assertThat(first.latencyP99Seconds()).isZero();

        // A tick (250 ms) later: 100 more calls, 10 of them failed; 90 took (1, 2] ms, 10 (300, 500] ms.
        reportCounts(0, 1_500 + 90, 700 + 9, buckets(81, 9, 1_500));
        reportCounts(1, 10, 1, buckets(9, 1, 0));
        tick();
        Autoscaler.VersionStatus status = autoscaler.statuses().get("dev.lever/svc/1");
        Ewma rate = new Ewma(Ewma.alphaForHalfLife(ScaledVersion.HALF_LIFE_TICKS));
        rate.add(0);
        rate.add(100 / 0.25);
        assertThat(status.ratePerSecond()).as("400 calls/s, averaged").isCloseTo(rate.mean(), within(1e-9));
        assertThat(status.errorsPerSecond())
                .as("40 errors/s, averaged alike")
                .isCloseTo(rate.mean() / 10, within(1e-9));
        assertThat(status.latencyP50Seconds())
                .as("the 50th of the 90 calls in (1, 2] ms")
                .isCloseTo(0.001 + 50.0 / 90 * 0.001, within(1e-12));
        assertThat(status.latencyP99Seconds())
                .as("the 9th of the 10 calls in (300, 500] ms")
                .isCloseTo(0.3 + 0.9 * 0.2, within(1e-12));

        tick();
        assertThat(autoscaler.statuses().get("dev.lever/svc/1").latencyP99Seconds())
                .as("no report since: the last interval's percentiles hold")
                .isCloseTo(0.48, within(1e-12));

        reportCounts(0, 1_500 + 90, 700 + 9, buckets(81, 9, 1_500));
        reportCounts(1, 10, 1, buckets(9, 1, 0));
        tick();
        Autoscaler.VersionStatus idle = autoscaler.statuses().get("dev.lever/svc/1");
        assertThat(idle.latencyP50Seconds()).as("no call in the interval").isZero();
        assertThat(idle.latencyP99Seconds()).isZero();
    }

    @Test
    void anInstanceHoldingABoundResourceIsKeptPastTheIdleTimeout() {
        deploy(0, 0, null);
        report(0, 1, 0, 0, 1);
        long from = now;
        int target = tick();
        while (now - from < Duration.ofSeconds(40).toNanos()) {
            report(0, 1, 0, 0, 1);
            target = tick();
            assertThat(target)
                    .as("no call for longer than the idle timeout (30 s), one resource bound")
                    .isEqualTo(1);
        }
        report(0, 1, 0, 0, 0); // released
        assertThat(tick()).isZero();
        assertThat(autoscaler.recentDecisions().getFirst().reason()).contains("idleTimeout");
    }

    @Test
    void boundResourcesOverMaxResourcesPerInstanceAskForMoreInstances() {
        maxResourcesPerInstance = 4;
        deploy(0, 0, null);
        report(0, 1, 0, 0, 10); // 10 resources, 4 per instance: 3 instances
        assertThat(tick()).isEqualTo(2);
        assertThat(tick()).isEqualTo(3);
        assertThat(tick()).isEqualTo(3);
        assertThat(autoscaler.recentDecisions().getFirst().reason())
                .contains("10 bound resources / maxResourcesPerInstance 4");
    }

    @Test
    void boundResourcesAskForNoMoreThanMaxInstances() {
        maxResourcesPerInstance = 4;
        deploy(0, 2, null);
        report(0, 1, 0, 0, 20);
        for (int i = 0; i < 5; i++) {
            assertThat(tick()).isLessThanOrEqualTo(2);
        }
        assertThat(tick()).isEqualTo(2);
    }

    @Test
    void theInstancesBoundResourcesNeed() {
        assertThat(Autoscaler.forResources(0, 4)).isZero();
        assertThat(Autoscaler.forResources(1, 0)).as("no cap: one").isEqualTo(1);
        assertThat(Autoscaler.forResources(500, 0)).isEqualTo(1);
        assertThat(Autoscaler.forResources(4, 4)).isEqualTo(1);
        assertThat(Autoscaler.forResources(5, 4)).isEqualTo(2);
    }

    @Test
    void aFirstVersionGetsOneInstanceWhileItsStartIsChecked() {
        store = FileMetadataStore.open(dir, Clock.systemUTC());
        store.reserveVersion("dev.lever", "svc");
        store.commitVersion(version(1, 0, 0, null));
        nodes.ram((environment, service, version) -> 256L << 20);
        autoscaler = new Autoscaler(
                store,
                nodes,
                new Autoscaler.Settings(Duration.ofMillis(250), Duration.ofSeconds(45), Duration.ofMinutes(5)));
        report(0, 0, 0, 0);
        assertThat(tick()).isEqualTo(1);
    }

    @Test
    void aVersionStartingToReplaceTheLiveOneRunsAsManyInstancesWithinItsMaxInstances() {
        deploy(0, 0, null);
        report(0, 1, 12, 0); // 12 in flight, maxInstanceLoad 4: 3 instances
        for (int i = 0; i < 3; i++) {
            tick();
        }
        assertThat(targetOf(1)).isEqualTo(3);
        store.reserveVersion("dev.lever", "svc");
        store.commitVersion(version(2, 0, 0, null));
        tick();
        assertThat(targetOf(1)).as("the live version serves on meanwhile").isEqualTo(3);
        assertThat(targetOf(2)).isEqualTo(3);

        store.reserveVersion("dev.lever", "svc");
        store.commitVersion(version(3, 0, 2, null));
        tick();
        assertThat(targetOf(2)).as("replaced by v3 before it went live").isZero();
        assertThat(targetOf(3)).as("its maxInstances").isEqualTo(2);
        assertThat(autoscaler.recentDecisions().getFirst().reason())
                .isEqualTo("starting to replace the live version, which runs 3");
    }

    private int targetOf(long version) {
        return autoscaler.targets().stream()
                .filter(target -> target.getVersion() == version)
                .mapToInt(ScalingTarget::getInstances)
                .sum();
    }

    @Test
    void aVersionNeverCalledAndWithoutMinimumHasNoTarget() {
        deploy(0, 0, null);
        report(0, 0, 0, 0);
        assertThat(tick()).isZero();
        assertThat(autoscaler.targets()).isEmpty();
        assertThat(autoscaler.recentDecisions()).isEmpty();
    }

    @Test
    void scalesUpAtOnceInBoundedStepsToTheLoadOverMaxInstanceLoad() {
        deploy(0, 0, null);
        report(0, 1, 40, 0); // 40 calls in flight on 1 instance, maxInstanceLoad 4: 10 needed
        assertThat(tick()).isEqualTo(2);
        assertThat(tick()).isEqualTo(4);
        assertThat(tick()).isEqualTo(8);
        assertThat(tick()).isEqualTo(10);
        assertThat(tick()).isEqualTo(10);
        assertThat(autoscaler.recentDecisions().getFirst().reason())
                .contains("in flight 40")
                .contains("maxInstanceLoad 4");
    }

    @Test
    void maxInstancesIsNeverExceededAndMinInstancesIsHeldWithoutCalls() {
        deploy(2, 3, null);
        report(0, 0, 0, 0);
        assertThat(tick()).as("minInstances without any call").isEqualTo(2);
        report(0, 2, 100, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(tick()).isLessThanOrEqualTo(3);
        }
        assertThat(tick()).isEqualTo(3);
    }

    @Test
    void scalesDownOnlyAfterTheLowerNeedHasLastedTheDelayThenToZeroWhenIdle() {
        deploy(0, 0, Duration.ofSeconds(10).toMillis());
        int high = 1;
        for (int i = 0; i < 120; i++) { // 30 s of 40 calls in flight: steady at 10 needed
            report(0, high, 40, 0);
            high = tick();
        }
        assertThat(high).as("10 needed, the estimate settling").isBetween(10, 12);
        // The load drops to 8 calls in flight (2 instances' worth) while calls keep coming.
        long lowFrom = now;
        int target = high;
        while (now - lowFrom < Duration.ofSeconds(9).toNanos()) {
            report(0, high, 8, 40);
            target = tick();
            assertThat(target).as("within the scale-down delay").isEqualTo(high);
        }
        while (target == high && now - lowFrom < Duration.ofSeconds(12).toNanos()) {
            report(0, high, 8, 40);
            target = tick();
        }
        assertThat(target)
                .as("after the delay: the highest need of the last 10 s")
                .isBetween(2, high - 1);
        assertThat(autoscaler.recentDecisions().getFirst().reason()).contains("scaleDownDelay");

        // No calls at all for the idle timeout (30 s): down to zero.
        long idleFrom = now;
        while (target > 0 && now - idleFrom < Duration.ofSeconds(31).toNanos()) {
            report(0, target, 0, 0);
            target = tick();
        }
        assertThat(target).isZero();
        assertThat(now - idleFrom).isGreaterThanOrEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(autoscaler.recentDecisions().getFirst().reason()).contains("idleTimeout");
    }

    @Test
    void instancesRunningWhenTheControlPlaneFirstSeesThemAreKeptForTheIdleTimeout() {
        deploy(0, 0, null);
        // A restarted control plane: the node reports an instance it had, and no call since.
        report(0, 1, 0, 0);
        long firstSeen = now;
        int target = tick();
        while (target > 0 && now - firstSeen < Duration.ofSeconds(31).toNanos()) {
            report(0, 1, 0, 0);
            target = tick();
        }
        assertThat(now - firstSeen)
                .as("kept for the idle timeout (30 s), not stopped as never called")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(autoscaler.recentDecisions().getFirst().reason()).contains("idleTimeout");
    }

    @Test
    void newInstancesGoToTheNodeWithFewestAndKeepTheSequenceOfTheirDecision() {
        deploy(0, 0, null);
        report(1, 0, 0, 0);
        report(0, 2, 16, 0); // 16 in flight: 4 needed, node-0 has 2, node-1 none
        tick();
        tick();
        List<ScalingTarget> targets = autoscaler.targets();
        assertThat(targets).extracting(ScalingTarget::getNodeId).containsExactly("node-0", "node-1");
        assertThat(targets).extracting(ScalingTarget::getInstances).containsExactly(2, 2);
        long decidedAt = targets.get(1).getReportSequence();
        report(1, 2, 0, 0);
        report(0, 2, 16, 0);
        tick();
        assertThat(autoscaler.targets().get(1).getReportSequence())
                .as("the target of node-1 did not change, nor its sequence")
                .isEqualTo(decidedAt);
    }

    @Test
    void aNodeToldToStopAnInstanceItStartedSinceTheDecisionGetsTheSequenceOfAReportThatShowsIt() {
        deploy(1, 0, null);
        report(0, 0, 0, 0);
        report(1, 0, 0, 0);
        assertThat(tick()).isEqualTo(1);
        assertThat(autoscaler.targets()).extracting(ScalingTarget::getInstances).containsExactly(1, 0);
        // node-0 starts the placed instance; its last report (before the start) has this sequence.
        long node0StartedAfter = sequence - 1;
        // A call reached node-1 before that instance was ready: node-1 starts one of its own, and
        // reports it before node-0 reports its own. The one instance wanted is node-1's.
        report(1, 1, 1, 0);
        tick();
        assertThat(autoscaler.targets()).extracting(ScalingTarget::getInstances).containsExactly(0, 1);
        // node-0 reports the instance it started: two run, one is wanted, node-0 is told to stop its.
        report(0, 1, 0, 0);
        long showsIt = sequence;
        report(1, 1, 0, 0);
        tick();
        ScalingTarget node0 = autoscaler.targets().get(0);
        assertThat(node0.getInstances()).isZero();
        assertThat(node0.getReportSequence())
                .as("a sequence after the instance node-0 started, or node-0 keeps it")
                .isGreaterThan(node0StartedAfter)
                .isEqualTo(showsIt);
        report(0, 1, 0, 0);
        report(1, 1, 0, 0);
        tick();
        assertThat(autoscaler.targets().get(0).getReportSequence())
                .as("kept while node-0 still reports the instance it is stopping")
                .isEqualTo(showsIt);
    }

    @Test
    void instancesGoWhereTheirRamFitsSpreadThenByMostFreeMemory() {
        capacity[0] = 1L << 30;
        capacity[1] = 512L << 20;
        deploy(4, 0, null);
        report(0, 0, 0, 0);
        report(1, 0, 0, 0);
        assertThat(tick()).isEqualTo(4);
        assertThat(autoscaler.targets()).extracting(ScalingTarget::getInstances).containsExactly(2, 2);
        assertThat(autoscaler.statuses().get("dev.lever/svc/1").unplaced()).isEmpty();
    }

    @Test
    void whatFitsNowhereIsPlacedAsFarAsItGoesAndSaysWhy() {
        capacity[0] = 1L << 30;
        capacity[1] = 512L << 20;
        deploy(8, 0, null);
        report(0, 0, 0, 0);
        report(1, 0, 0, 0);
        assertThat(tick()).as("1024 + 512 MB hold 6 instances of 256 MB").isEqualTo(6);
        assertThat(autoscaler.targets()).extracting(ScalingTarget::getInstances).containsExactly(4, 2);
        String why = autoscaler.recentDecisions().getFirst().reason();
        assertThat(why).contains("placed 6 of 8", "ram 256 MB", "largest free: 0 MB");
        assertThat(autoscaler.statuses().get("dev.lever/svc/1").unplaced()).isEqualTo(why);
        int decisions = autoscaler.recentDecisions().size();
        tick();
        assertThat(autoscaler.recentDecisions())
                .as("recorded once, not every tick")
                .hasSize(decisions);
    }

    @Test
    void aDeadNodesInstancesArePlacedOnTheNodesThatStillReport() {
        nodes = new NodeRegistry(Duration.ofMillis(600));
        deploy(4, 0, null);
        report(0, 0, 0, 0);
        report(1, 0, 0, 0);
        assertThat(tick()).isEqualTo(4);
        assertThat(autoscaler.targets()).extracting(ScalingTarget::getInstances).containsExactly(2, 2);
        report(0, 2, 0, 0);
        report(1, 2, 0, 0);
        // node-1 dies: only node-0 keeps reporting until node-1 has been silent for the expiry.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (nodes.known().nodes().size() > 1 && System.nanoTime() < deadline) {
            report(0, 2, 0, 0);
            nodes.expire(System.nanoTime());
            Thread.onSpinWait();
        }
        assertThat(nodes.known().nodes())
                .extracting(io.leveros.proto.control.Node::getNodeId)
                .containsExactly("node-0");
        tick();
        assertThat(autoscaler.targets()).as("node-0 runs all 4").hasSize(1);
        assertThat(autoscaler.targets().getFirst().getInstances()).isEqualTo(4);
    }
}
