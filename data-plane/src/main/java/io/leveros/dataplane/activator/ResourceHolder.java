package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;

/**
 * Who keeps the resources bound to instances (the resource placement), as a pool tells it about
 * its instances' ends. Called outside the pool's lock.
 */
public interface ResourceHolder {
    /**
     * {@code instance} was taken out of balancing (scale-down, idle, a new version) while it holds
     * resources. {@code closing}, a lease on it, keeps it running: the holder lets the resources'
     * calls in flight end, closes them ({@code CloseResource}), gives the bindings up, then releases
     * {@code closing}, and the instance stops.
     */
    void draining(Instance instance, Lease closing);

    /** {@code instance} exited: the resources it held are gone with it. */
    void exited(Instance instance);

    /** For pools whose instances never hold resources (tests). */
    ResourceHolder NONE = new ResourceHolder() {
        @Override
        public void draining(Instance instance, Lease closing) {
            closing.release();
        }

        @Override
        public void exited(Instance instance) {}
    };
}
