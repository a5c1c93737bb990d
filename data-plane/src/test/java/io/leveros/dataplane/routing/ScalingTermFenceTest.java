package io.leveros.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.ScalingTarget;
import org.junit.jupiter.api.Test;

class ScalingTermFenceTest {
    final ScalingTermFence fence = new ScalingTermFence();

    static RoutingSnapshot snapshot(long revision, long term, int instances) {
        return RoutingSnapshot.newBuilder()
                .setRevision(revision)
                .setScalingTerm(term)
                .addTargets(ScalingTarget.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("hello")
                        .setVersion(1)
                        .setNodeId("n1")
                        .setInstances(instances))
                .build();
    }

    @Test
    void targetsOfALowerTermAreReplacedByTheHighestTermsButTheRoutesAreKept() {
        assertThat(fence.apply(snapshot(1, 3, 2))).isEqualTo(snapshot(1, 3, 2));
        RoutingSnapshot stale = fence.apply(snapshot(2, 2, 0));
        assertThat(stale.getRevision()).isEqualTo(2);
        assertThat(stale.getScalingTerm()).isEqualTo(3);
        assertThat(stale.getTargets(0).getInstances()).isEqualTo(2);
    }

    @Test
    void theSameOrAHigherTermIsTaken() {
        fence.apply(snapshot(1, 3, 2));
        assertThat(fence.apply(snapshot(2, 3, 1)).getTargets(0).getInstances()).isEqualTo(1);
        assertThat(fence.apply(snapshot(3, 4, 5)).getTargets(0).getInstances()).isEqualTo(5);
        assertThat(fence.highestTerm()).isEqualTo(4);
    }
}
