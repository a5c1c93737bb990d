package io.leveros.dataplane.routing;

import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.ScalingTarget;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Keeps the autoscaler's targets of the highest scaling term seen (docs/cluster.md): a snapshot
 * whose {@code scaling_term} is lower (from a control plane that has not seen the new leader's
 * targets yet, or was cut off from Redis) brings its routes, but the targets stay those of the
 * higher term. Term 0 is a single control plane's (file mode).
 *
 * <p>Not thread-safe: called on the routes subscriber's event loop.
 */
final class ScalingTermFence {
    private static final System.Logger LOG = System.getLogger(ScalingTermFence.class.getName());

    private long highestTerm;
    private List<ScalingTarget> targets = List.of();

    /** {@code snapshot}, or a copy with the targets of the highest term seen when its term is lower. */
    RoutingSnapshot apply(RoutingSnapshot snapshot) {
        if (snapshot.getScalingTerm() >= highestTerm) {
            highestTerm = snapshot.getScalingTerm();
            targets = snapshot.getTargetsList();
            return snapshot;
        }
        LOG.log(
                Level.DEBUG,
                "routing revision {0} carries targets of scaling term {1}, older than term {2}: keeping those",
                snapshot.getRevision(),
                snapshot.getScalingTerm(),
                highestTerm);
        return snapshot.toBuilder()
                .clearTargets()
                .addAllTargets(targets)
                .setScalingTerm(highestTerm)
                .build();
    }

    long highestTerm() {
        return highestTerm;
    }
}
