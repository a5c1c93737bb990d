package io.leveros.dataplane.activator;

import io.leveros.dataplane.routing.ServiceRoute;
import java.util.List;

/**
 * One live version on this node as the instance reports describe it.
 *
 * @param completedCalls calls answered since the data plane started (streams not included)
 * @param failedCalls those of them answered with an error (the service's, or a platform 5xx)
 * @param latencySumMicros the sum of their latencies
 * @param latencyBucketCounts their count per {@link io.leveros.core.stats.LatencyBuckets} bucket
 *     (a copy, not to be changed)
 * @param busyMicros the integral over time of {@code inFlight} (cumulative): its growth per
 *     second is the average concurrency
 * @param inFlight calls and streams in flight now, and the load of the calls waiting for an
 *     instance (while none is ready, at most {@code maxInstanceLoad} of them count)
 * @param waitingCalls the calls waiting for an instance
 * @param startFailure why the last start failed while none has succeeded since, else empty
 * @param lastExit the last instance that exited unasked, and why (e.g. went over its ram); else
 *     empty
 * @param instances the started instances: ready ones, then draining ones
 */
public record PoolLoad(
        ServiceRoute route,
        int readyInstances,
        int startingInstances,
        long completedCalls,
        long failedCalls,
        long latencySumMicros,
        long[] latencyBucketCounts,
        long busyMicros,
        int inFlight,
        int waitingCalls,
        int openStreams,
        String startFailure,
        String lastExit,
        List<InstanceLoad> instances) {

    /** The same counters with {@code instances}. */
    PoolLoad withInstances(List<InstanceLoad> instances) {
        return new PoolLoad(
                route,
                readyInstances,
                startingInstances,
                completedCalls,
                failedCalls,
                latencySumMicros,
                latencyBucketCounts,
                busyMicros,
                inFlight,
                waitingCalls,
                openStreams,
                startFailure,
                lastExit,
                List.copyOf(instances));
    }

    /** Resources bound to the instances. */
    public int boundResources() {
        int bound = 0;
        for (InstanceLoad instance : instances) {
            bound += instance.boundResources();
        }
        return bound;
    }

    /** One started instance. */
    public record InstanceLoad(
            String id, boolean draining, long startedAtUnixMs, int inFlight, long rssBytes, int boundResources) {}
}
