package io.leveros.controlplane.cluster;

import io.leveros.proto.control.ScalingTarget;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** File mode: the one control plane's targets, published as they are decided, term 0. */
public final class LocalScalingTargets implements ScalingTargets {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Decided current = Decided.NONE;

    @Override
    public Decided current() {
        return current;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public boolean publish(Leadership.State leader, List<ScalingTarget> targets) {
        current = new Decided(leader.term(), List.copyOf(targets));
        listeners.forEach(Runnable::run);
        return true;
    }
}
