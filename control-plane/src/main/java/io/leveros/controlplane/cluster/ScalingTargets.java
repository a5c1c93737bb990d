package io.leveros.controlplane.cluster;

import io.leveros.proto.control.ScalingTarget;
import java.util.List;

/**
 * The autoscaler's targets that this control plane's routing snapshots carry, with the term of the
 * leader that decided them: the leader publishes, every control plane reads.
 */
public interface ScalingTargets {

    /** Targets and the leader term that decided them (0: a single control plane). */
    record Decided(long term, List<ScalingTarget> targets) {
        public static final Decided NONE = new Decided(0, List.of());
    }

    /** The newest targets this control plane knows. */
    Decided current();

    /** Called (on any thread) after {@link #current()} changed. */
    void onChange(Runnable listener);

    /**
     * Publishes the targets decided by the leader of {@code leader.term()}.
     *
     * @return whether they were published; false when {@code leader} no longer leads (fenced)
     * @throws RuntimeException when the targets could not be written (Redis unreachable): try again
     */
    boolean publish(Leadership.State leader, List<ScalingTarget> targets);
}
