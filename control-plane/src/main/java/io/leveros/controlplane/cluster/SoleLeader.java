package io.leveros.controlplane.cluster;

/** File mode: the one control plane always leads, in term 0. */
public final class SoleLeader implements Leadership {
    private final State state;

    public SoleLeader(String controlPlaneId) {
        this.state = new State(controlPlaneId, true, controlPlaneId, 0);
    }

    @Override
    public State state() {
        return state;
    }
}
