package io.leveros.dataplane.placement;

import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;
import io.vertx.core.Future;

/** The one authority on which node owns a resource: the control plane (docs/resources.md). */
public interface ResourceAuthority {
    /**
     * The resource's binding: the existing one, or a new one (to this node when {@code canHost}).
     * Fails when the authority cannot be reached in time.
     */
    Future<ResourceBinding> bind(ResourceKey key, boolean canHost);

    /** Gives up this node's binding of {@code key} with {@code epoch}; best effort. */
    void release(ResourceKey key, long epoch);
}
