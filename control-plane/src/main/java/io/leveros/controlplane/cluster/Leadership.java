package io.leveros.controlplane.cluster;

/** Which control plane leads, that is runs the autoscaler, and in which term. */
public interface Leadership {

    /**
     * What this control plane knows of the leadership now.
     *
     * @param controlPlaneId this control plane's id
     * @param leading whether this control plane leads at this instant
     * @param leaderId the leader's id as last seen; empty when none was seen
     * @param term the leader's term as last seen (0: a single control plane)
     */
    record State(String controlPlaneId, boolean leading, String leaderId, long term) {}

    State state();
}
