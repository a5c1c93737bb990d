package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;

/** One call's claim on an instance; counted as load until {@link #release()}d. Used by one call. */
public final class Lease {
    private final ServicePool pool;
    private final Instance instance;
    private boolean released;

    Lease(ServicePool pool, Instance instance) {
        this.pool = pool;
        this.instance = instance;
    }

    public Instance instance() {
        return instance;
    }

    /** Ends the call's claim; idempotent. */
    public void release() {
        if (!released) {
            released = true;
            pool.release(instance);
        }
    }
}
