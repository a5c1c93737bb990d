package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.vertx.core.Future;

/**
 * What a new instance of a version starting beside the live one goes through after its start and
 * before it counts as ready, so that the version goes live on warm instances.
 */
@FunctionalInterface
public interface InstanceWarmUp {
    InstanceWarmUp NONE = instance -> Future.succeededFuture();

    /** Completes, never fails, once the instance is warm or warming it has stopped. */
    Future<Void> warmUp(Instance instance);
}
