package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's claim on an instance; counted as load until {@link #release()}d. A stream may release
 * it from the callbacks of either of its two connections, so release is atomic.
 */
public final class Lease {
    private final ServicePool pool;
    private final Instance instance;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(ServicePool pool, Instance instance) {
        this.pool = pool;
        this.instance = instance;
    }

    public Instance instance() {
        return instance;
    }

    /** Ends the call's claim; idempotent. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            pool.release(instance);
        }
    }
}
