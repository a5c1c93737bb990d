package io.leveros.controlplane.scaling;

import io.leveros.controlplane.cluster.Leadership;
import io.leveros.controlplane.cluster.ScalingTargets;
import io.leveros.controlplane.deploy.VersionStarts;
import io.leveros.proto.control.ScalingTarget;
import java.util.List;

/**
 * The autoscaler's ticks, run only by the leader: decides, then publishes the targets when they
 * changed (docs/cluster.md), then ends the starts of starting versions whose instances are ready or
 * failed ({@link VersionStarts}). A publication that fails (Redis unreachable) is tried again at the next
 * tick; one refused by the fence (another control plane leads) ends this term here.
 *
 * <p>Not thread-safe: called on the autoscaler's timer thread.
 */
final class LeaderTicks {
    private final Autoscaler autoscaler;
    private final Leadership leadership;
    private final ScalingTargets targets;
    private final VersionStarts starts;
    /** The term this control plane ticked in last, -1 when it did not lead at the last tick. */
    private long ledTerm = -1;

    private List<ScalingTarget> published;

    LeaderTicks(Autoscaler autoscaler, Leadership leadership, ScalingTargets targets, VersionStarts starts) {
        this.autoscaler = autoscaler;
        this.starts = starts;
        this.leadership = leadership;
        this.targets = targets;
    }

    /** One tick when this control plane leads; answers whether it ticked. */
    boolean tick(long nowNanos) {
        Leadership.State state = leadership.state();
        if (!state.leading()) {
            ledTerm = -1;
            return false;
        }
        if (ledTerm != state.term()) {
            autoscaler.reset();
            published = null;
            ledTerm = state.term();
        }
        autoscaler.tick(nowNanos);
        List<ScalingTarget> decided = autoscaler.targets();
        if (!decided.equals(published)) {
            if (targets.publish(state, decided)) {
                published = decided;
            } else {
                ledTerm = -1; // fenced: another control plane leads
                return true;
            }
        }
        starts.check(nowNanos);
        return true;
    }
}
