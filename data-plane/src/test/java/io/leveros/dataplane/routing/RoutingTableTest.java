package io.leveros.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.leveros.proto.control.Environment;
import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import io.leveros.proto.control.ServingVersion;
import io.leveros.proto.control.TrafficShare;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    static RoutingSnapshot snapshot() {
        return RoutingSnapshot.newBuilder()
                .setRevision(3)
                .addEnvironments(Environment.newBuilder()
                        .setName("dev.lever")
                        .addServices(Service.newBuilder()
                                .setName("hello")
                                .setLive(ServiceVersion.newBuilder()
                                        .setVersion(4)
                                        .setJava(JavaEntry.newBuilder().setClassName("Hello"))
                                        .setMaxInstances(3)
                                        .setMinInstances(1)))
                        .addServices(Service.newBuilder().setName("undeployed")))
                .addEnvironments(Environment.newBuilder().setName("staging.lever"))
                .build();
    }

    @Test
    void compilesEnvironmentsServicesAndDefaults() {
        RoutingTable table = RoutingTable.compile(snapshot(), "local");
        assertThat(table.revision()).isEqualTo(3);
        assertThat(table.defaultEnvironment()).isEqualTo("dev.lever");
        assertThat(table.hasEnvironment("staging.lever")).isTrue();
        assertThat(table.hasEnvironment("prod.lever")).isFalse();
        ServiceRoute hello = table.find("dev.lever", "hello");
        assertThat(hello.poolKey()).isEqualTo("dev.lever/hello/4");
        assertThat(hello.maxInstanceLoad()).isEqualTo(ServiceRoute.DEFAULT_MAX_INSTANCE_LOAD);
        assertThat(hello.idleTimeoutMs()).isEqualTo(ServiceRoute.DEFAULT_IDLE_TIMEOUT_MS);
        assertThat(hello.minInstances()).isEqualTo(1);
        assertThat(hello.maxInstances()).isEqualTo(3);
        assertThat(table.find("dev.lever", "undeployed").isLive()).isFalse();
        assertThat(table.find("staging.lever", "hello")).isNull();
        assertThat(table.routes()).hasSize(2);
    }

    @Test
    void aTrafficSplitPicksEachVersionByItsShareAndAResourceAlwaysTheSameOne() {
        ServiceVersion.Builder v4 = ServiceVersion.newBuilder()
                .setVersion(4)
                .setJava(JavaEntry.newBuilder().setClassName("Hello"));
        RoutingSnapshot split = snapshot().toBuilder()
                .setEnvironments(
                        0,
                        Environment.newBuilder()
                                .setName("dev.lever")
                                .addServices(Service.newBuilder()
                                        .setName("hello")
                                        .setLive(v4)
                                        .addSplit(TrafficShare.newBuilder()
                                                .setVersion(v4)
                                                .setPercent(70))
                                        .addSplit(TrafficShare.newBuilder()
                                                .setVersion(v4.clone().setVersion(5))
                                                .setPercent(30))))
                .build();
        RoutingTable table = RoutingTable.compile(split, "local");
        ServiceRoute live = table.find("dev.lever", "hello");
        assertThat(live.versionNumber()).isEqualTo(4);
        assertThat(table.splitsTo("dev.lever/hello/5")).isTrue();
        int toV5 = 0;
        for (int i = 0; i < 20_000; i++) {
            toV5 += table.pick(live, "").versionNumber() == 5 ? 1 : 0;
        }
        assertThat(toV5 / 20_000.0).isCloseTo(0.30, within(0.02));
        int resourcesOnV5 = 0;
        for (int i = 0; i < 2_000; i++) {
            String resource = "room-" + i;
            long version = table.pick(live, resource).versionNumber();
            for (int again = 0; again < 3; again++) {
                assertThat(table.pick(live, resource).versionNumber()).isEqualTo(version);
            }
            resourcesOnV5 += version == 5 ? 1 : 0;
        }
        assertThat(resourcesOnV5 / 2_000.0)
                .as("resources spread by their share too")
                .isCloseTo(0.30, within(0.05));
        assertThat(RoutingTable.compile(snapshot(), "local").pick(live, "")).isSameAs(live);
    }

    @Test
    void stateIgnoresOlderSnapshotsAndTellsListeners() {
        RoutingState state = new RoutingState();
        assertThat(state.ready()).isFalse();
        long[] seen = {-1};
        state.onChange(table -> seen[0] = table.revision());
        assertThat(state.update(RoutingTable.compile(snapshot(), "local"))).isTrue();
        assertThat(state.update(RoutingTable.compile(
                        snapshot().toBuilder().setRevision(2).build(), "local")))
                .isFalse();
        assertThat(state.table().revision()).isEqualTo(3);
        assertThat(seen[0]).isEqualTo(3);
        assertThat(state.ready()).isTrue();
    }

    private static Node node(String id, String address, long version, int ready) {
        return Node.newBuilder()
                .setNodeId(id)
                .setForwardingAddress(address)
                .addServing(ServingVersion.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("hello")
                        .setVersion(version)
                        .setReadyInstances(ready))
                .build();
    }

    @Test
    void peersAreTheOtherNodesWithReadyInstancesOfTheLiveVersion() {
        RoutingTable table = RoutingTable.compile(
                snapshot().toBuilder()
                        .addNodes(node("local", "127.0.0.1:3500", 4, 2)) // this node: not a peer
                        .addNodes(node("b", "10.0.0.2:3500", 4, 3))
                        .addNodes(node("c", "10.0.0.3:3500", 3, 1)) // an older version
                        .addNodes(node("d", "10.0.0.4:3500", 4, 0)) // nothing ready
                        .addNodes(node("e", "no-port", 4, 1)) // unusable address: skipped
                        .build(),
                "local");
        assertThat(table.find("dev.lever", "hello").peers()).singleElement().satisfies(peer -> {
            assertThat(peer.nodeId()).isEqualTo("b");
            assertThat(peer.address().host()).isEqualTo("10.0.0.2");
            assertThat(peer.address().port()).isEqualTo(3500);
            assertThat(peer.readyInstances()).isEqualTo(3);
        });
        assertThat(table.find("dev.lever", "undeployed").peers()).isEmpty();
    }

    @Test
    void aSnapshotOfTheSameRevisionWithNewerNodesReplacesTheTable() {
        RoutingState state = new RoutingState();
        RoutingSnapshot first = snapshot().toBuilder().setClusterRevision(5).build();
        assertThat(state.update(RoutingTable.compile(first, "local"))).isTrue();
        assertThat(state.update(RoutingTable.compile(
                        first.toBuilder()
                                .setClusterRevision(6)
                                .addNodes(node("b", "127.0.0.1:3501", 4, 1))
                                .build(),
                        "local")))
                .isTrue();
        assertThat(state.table().find("dev.lever", "hello").peers()).hasSize(1);
        assertThat(state.update(RoutingTable.compile(first, "local")))
                .as("older nodes revision")
                .isFalse();
        assertThat(state.table().clusterRevision()).isEqualTo(6);
    }
}
