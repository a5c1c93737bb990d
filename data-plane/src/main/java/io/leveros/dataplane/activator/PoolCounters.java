package io.leveros.dataplane.activator;

import io.leveros.core.stats.LatencyBuckets;

/**
 * The load on one pool, as its reports count it: calls in flight (streams included), open streams,
 * calls answered, those that failed, the sum of their latencies and their count per {@link
 * LatencyBuckets latency bucket}, and the integral over time of the calls in flight
 * or waiting ({@code busy}), whose growth per second is the concurrency the autoscaler sizes from.
 *
 * <p>Not thread-safe: used under its {@link ServicePool}'s lock. Call {@link #accrue} before the
 * calls in flight or waiting change, so that the time since the last change counts at the old
 * load. No allocation.
 */
final class PoolCounters {
    private int inFlight;
    private int openStreams;
    private long completedCalls;
    private long failedCalls;
    private final long[] latencyBuckets = new long[LatencyBuckets.COUNT];
    private long latencySumNanos;
    private long busyNanos;
    private long busySince;

    /** Counts busy time from {@code nowNanos}. */
    PoolCounters(long nowNanos) {
        this.busySince = nowNanos;
    }

    /**
     * The load the calls waiting for an instance stand for. While no instance is ready, at most one
     * instance's worth ({@code maxInstanceLoad}): nothing has measured what they cost yet, and a
     * burst of first calls to a cold version should start one instance, not one per {@code
     * maxInstanceLoad} of them; once they run on it, their real load shows.
     */
    static int queuedLoad(int waiting, boolean anyReady, double maxInstanceLoad) {
        return anyReady ? waiting : (int) Math.min(waiting, Math.ceil(maxInstanceLoad));
    }

    /**
     * Adds the time since the last change at the load until now: the calls in flight and {@code
     * queuedLoad} (see {@link #queuedLoad}).
     */
    void accrue(long nowNanos, int queuedLoad) {
        busyNanos += (inFlight + queuedLoad) * (nowNanos - busySince);
        busySince = nowNanos;
    }

    /** A call or stream got an instance. */
    void callStarted() {
        inFlight++;
    }

    /** A call that started is a stream, open until it ends. */
    void streamOpened() {
        openStreams++;
    }

    /**
     * A call or stream that got an instance at {@code startedNanos} ended at {@code nowNanos}, as a
     * failure if {@code failed} (see {@link Lease#release(boolean)}). A call's latency and outcome
     * count; a stream's do not (it is open for as long as the client likes).
     */
    void callEnded(long startedNanos, long nowNanos, boolean stream, boolean failed) {
        inFlight--;
        if (stream) {
            openStreams--;
        } else {
            long nanos = nowNanos - startedNanos;
            completedCalls++;
            if (failed) {
                failedCalls++;
            }
            latencySumNanos += nanos;
            latencyBuckets[LatencyBuckets.indexOf(nanos / 1_000)]++;
        }
    }

    int inFlight() {
        return inFlight;
    }

    int openStreams() {
        return openStreams;
    }

    long completedCalls() {
        return completedCalls;
    }

    long failedCalls() {
        return failedCalls;
    }

    /** A copy of the calls counted per {@link LatencyBuckets} bucket. */
    long[] latencyBucketCounts() {
        return latencyBuckets.clone();
    }

    long latencySumMicros() {
        return latencySumNanos / 1_000;
    }

    /** The integral of the load over time up to the last {@link #accrue}. */
    long busyMicros() {
        return busyNanos / 1_000;
    }
}
