package io.leveros.dataplane.activator;

import io.leveros.dataplane.call.Call;
import io.vertx.core.Future;

/**
 * Where a call gets its {@link Lease}: {@link Activator#acquire} for calls that came in on this
 * node (a peer may serve them), {@link Activator#acquireLocal} for calls another node forwarded.
 */
@FunctionalInterface
public interface LeaseSource {
    /** Fails with a {@code CallException} NO_INSTANCE saying why no instance could be had. */
    Future<Lease> acquire(Call call);
}
