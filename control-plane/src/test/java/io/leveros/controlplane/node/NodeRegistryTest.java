package io.leveros.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.ServingVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {
    private final NodeRegistry registry = new NodeRegistry(Duration.ofSeconds(6));
    private final AtomicInteger changes = new AtomicInteger();

    NodeRegistryTest() {
        registry.onChange(changes::incrementAndGet);
    }

    private static InstanceReport report(String node, int ready) {
        InstanceReport.Builder report =
                InstanceReport.newBuilder().setNodeId(node).setForwardingAddress("127.0.0.1:3500");
        if (ready > 0) {
            report.addServing(ServingVersion.newBuilder()
                    .setEnvironment("dev.lever")
                    .setService("hello")
                    .setVersion(1)
                    .setReadyInstances(ready));
        }
        return report.build();
    }

    @Test
    void aChangeOfWhatANodeServesMakesANewRevisionARepeatedReportDoesNot() {
        registry.report(report("b", 1));
        registry.report(report("a", 0));
        NodeRegistry.Known known = registry.known();
        assertThat(known.nodes()).extracting(Node::getNodeId).containsExactly("a", "b");
        assertThat(changes).hasValue(2);

        registry.report(report("b", 1));
        assertThat(registry.known().revision()).isEqualTo(known.revision());
        assertThat(registry.known().nodes()).isEqualTo(known.nodes());
        assertThat(changes).hasValue(2);

        registry.report(report("b", 2));
        assertThat(registry.known().revision()).isGreaterThan(known.revision());
        assertThat(registry.known().nodes().get(1).getServing(0).getReadyInstances())
                .isEqualTo(2);
        assertThat(changes).hasValue(3);
    }

    @Test
    void aNodeIsDroppedWhenItLeavesOrStopsReporting() {
        registry.report(report("a", 1));
        registry.report(report("b", 1));
        registry.forget("a");
        assertThat(registry.known().nodes()).extracting(Node::getNodeId).containsExactly("b");

        registry.expire(System.nanoTime() + Duration.ofSeconds(5).toNanos());
        assertThat(registry.known().nodes()).as("within the expiry").hasSize(1);
        assertThat(registry.known().nodes().getFirst().getState()).isEqualTo("unreachable");
        registry.expire(System.nanoTime() + Duration.ofSeconds(7).toNanos());
        assertThat(registry.known().nodes()).isEmpty();
        assertThat(changes).as("2 reports, left, unreachable, dead").hasValue(5);
    }

    @Test
    void aNodeIsReadyWhileItReportsUnreachableAfterMissedReportsAndReadyWhenItIsBack() {
        registry.report(report("a", 1));
        assertThat(registry.known().nodes().getFirst().getState()).isEqualTo("ready");
        registry.expire(System.nanoTime() + Duration.ofSeconds(3).toNanos());
        assertThat(registry.known().nodes().getFirst().getState())
                .as("one report late (every 2 s)")
                .isEqualTo("ready");
        registry.expire(System.nanoTime() + Duration.ofMillis(4_500).toNanos());
        assertThat(registry.known().nodes().getFirst().getState()).isEqualTo("unreachable");
        long revision = registry.known().revision();
        registry.report(report("a", 1));
        assertThat(registry.known().nodes().getFirst().getState()).isEqualTo("ready");
        assertThat(registry.known().revision()).isGreaterThan(revision);
    }

    @Test
    void aNodesFreeMemoryIsItsCapacityLessTheRamOfItsInstances() {
        registry.ram((environment, service, version) -> 256L << 20);
        registry.report(report("a", 3).toBuilder()
                .setMemoryTotalBytes(1L << 30)
                .setMemoryAvailableBytes(123)
                .build());
        Node node = registry.known().nodes().getFirst();
        assertThat(node.getMemoryTotalBytes()).isEqualTo(1L << 30);
        assertThat(node.getMemoryAvailableBytes()).as("1024 - 3 x 256 MB").isEqualTo(256L << 20);
        long revision = registry.known().revision();
        registry.report(report("a", 3).toBuilder()
                .setMemoryTotalBytes(1L << 30)
                .setMemoryAvailableBytes(456)
                .build());
        assertThat(registry.known().revision())
                .as("the machine's free memory changing makes no new snapshot")
                .isEqualTo(revision);
    }

    @Test
    void theWarmRuntimesANodeKeepsCountAgainstItsMemoryAsItsInstancesDo() {
        registry.ram((environment, service, version) -> 256L << 20);
        InstanceReport report = report("a", 2).toBuilder()
                .setMemoryTotalBytes(1L << 30)
                .setWarmRuntimesBytes(170L << 20)
                .build();
        registry.report(report);
        assertThat(registry.reservedBytes(report)).as("2 x 256 + 170 MB").isEqualTo(682L << 20);
        assertThat(registry.known().nodes().getFirst().getMemoryAvailableBytes())
                .as("1024 - 682 MB")
                .isEqualTo(342L << 20);

        long revision = registry.known().revision();
        registry.report(report.toBuilder().setWarmRuntimesBytes(850L << 20).build());
        assertThat(registry.known().revision())
                .as("a pool grown for a burst leaves less room to place instances")
                .isGreaterThan(revision);
        assertThat(registry.known().nodes().getFirst().getMemoryAvailableBytes())
                .as("1024 - 512 - 850 MB: none")
                .isZero();
    }

    @Test
    void expiryListenersHearOfNodesThatStoppedReportingNotOfNodesThatClosedTheirStream() {
        List<String> expired = new CopyOnWriteArrayList<>();
        registry.onExpiry(expired::add);
        registry.report(report("a", 1));
        registry.report(report("b", 1));
        registry.forget("a");
        long now = System.nanoTime();
        assertThat(expired).as("a closed stream is no expiry").isEmpty();
        assertThat(registry.reporting("a", now))
                .as("a node that closed its stream but reported within the expiry")
                .isTrue();

        registry.expire(now + Duration.ofSeconds(7).toNanos());
        assertThat(expired).containsExactlyInAnyOrder("a", "b");
        assertThat(registry.reporting("a", now)).isFalse();
        assertThat(registry.reporting("never", now)).isFalse();
        registry.expire(now + Duration.ofSeconds(14).toNanos());
        assertThat(expired).as("told once").hasSize(2);
    }

    @Test
    void aReportThatChangesOnlyTheLoadKeepsTheRevisionButIsKept() {
        registry.report(report("b", 1));
        long revision = registry.known().revision();
        InstanceReport busier = report("b", 1).toBuilder()
                .setServing(
                        0,
                        report("b", 1).getServing(0).toBuilder().setInFlight(7).setCompletedCalls(100))
                .build();
        registry.report(busier);
        assertThat(registry.known().revision()).isEqualTo(revision);
        assertThat(registry.known().reports().get("b").getServing(0).getInFlight())
                .isEqualTo(7);
        assertThat(registry.known().nodes().getFirst().getServing(0).getInFlight())
                .as("the routing view carries no load")
                .isZero();
    }
}
