package io.leveros.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.control.Environment;
import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
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
        RoutingTable table = RoutingTable.compile(snapshot());
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
    void stateIgnoresOlderSnapshotsAndTellsListeners() {
        RoutingState state = new RoutingState();
        assertThat(state.ready()).isFalse();
        long[] seen = {-1};
        state.onChange(table -> seen[0] = table.revision());
        assertThat(state.update(RoutingTable.compile(snapshot()))).isTrue();
        assertThat(state.update(RoutingTable.compile(
                        snapshot().toBuilder().setRevision(2).build())))
                .isFalse();
        assertThat(state.table().revision()).isEqualTo(3);
        assertThat(seen[0]).isEqualTo(3);
        assertThat(state.ready()).isTrue();
    }
}
