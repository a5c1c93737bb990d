package io.leveros.controlplane.scaling;

import io.leveros.core.stats.LatencyBuckets;
import io.leveros.proto.control.ServingVersion;
import java.util.HashMap;
import java.util.Map;

/**
 * What the autoscaler remembers of one live version between ticks: its concurrency, rate, error
 * rate and latency estimates, its latency percentiles, the last cumulative counters of each node,
 * and its current decision. Used by the tick thread only.
 */
final class ScaledVersion {
    /** Samples weigh half after this many ticks: with 250 ms ticks, estimates follow within ~1-2 s. */
    static final double HALF_LIFE_TICKS = 4;

    final Ewma concurrency = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    final Ewma rate = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    final Ewma latency = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    final Ewma errors = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    /** The latency percentiles (s) of the calls in the nodes' last report intervals; 0 without calls. */
    double latencyP50;

    double latencyP99;
    /** Per node: its counters in the last report seen, and the rates they gave. */
    final Map<String, NodeCounters> lastCounters = new HashMap<>();

    long lastActiveNanos;
    /** The instances decided, or -1 while there is nothing to decide (never used, no minimum). */
    int target = -1;
    /** Since when a lower need has lasted, or -1; and the highest need seen since. */
    long lowSinceNanos = -1;

    int lowMax;
    /** Per node: the instances placed there, and the report that decision saw. */
    Map<String, Placed> placed = Map.of();
    /** Why instances of the target fit on no node, as last recorded; empty while all are placed. */
    String unplaced = "";

    /**
     * A node's target for the version: {@code instances}, decided on the node's report {@code
     * sequence}, in which the node ran {@code running} of them.
     */
    record Placed(int instances, long sequence, int running) {}

    /**
     * One node's cumulative counters as of its report's {@code measuredAtMicros}, and the rates and
     * latency bucket counts since its previous report.
     */
    static final class NodeCounters {
        private static final long[] NO_CALLS = new long[LatencyBuckets.COUNT];

        private final long measuredAtMicros;
        private final long completedCalls;
        private final long failedCalls;
        private final long latencySumMicros;
        private final long[] latencyBuckets;
        private final long busyMicros;
        double concurrency;
        double rate;
        double errorRate;
        /** The calls per latency bucket since the previous report; not to be changed. */
        long[] latencyBucketsSince = NO_CALLS;

        NodeCounters(
                long measuredAtMicros,
                long completedCalls,
                long failedCalls,
                long latencySumMicros,
                long[] latencyBuckets,
                long busyMicros) {
            this.measuredAtMicros = measuredAtMicros;
            this.completedCalls = completedCalls;
            this.failedCalls = failedCalls;
            this.latencySumMicros = latencySumMicros;
            this.latencyBuckets = latencyBuckets;
            this.busyMicros = busyMicros;
        }

        /** A node's counters for one version, as its report of {@code measuredAtMicros} gives them. */
        static NodeCounters of(long measuredAtMicros, ServingVersion serving) {
            long[] buckets = new long[LatencyBuckets.COUNT];
            int reported = Math.min(serving.getLatencyBucketCountsCount(), LatencyBuckets.COUNT);
            for (int i = 0; i < reported; i++) {
                buckets[i] = serving.getLatencyBucketCounts(i);
            }
            return new NodeCounters(
                    measuredAtMicros,
                    serving.getCompletedCalls(),
                    serving.getFailedCalls(),
                    serving.getLatencySumMicros(),
                    buckets,
                    serving.getBusyMicros());
        }

        /**
         * Sets the rates and bucket counts since {@code earlier}, {@code seconds} before; call only
         * when these counters {@link #follows} it.
         */
        void since(NodeCounters earlier, double seconds) {
            concurrency = (busyMicros - earlier.busyMicros) / 1e6 / seconds;
            rate = (completedCalls - earlier.completedCalls) / seconds;
            errorRate = (failedCalls - earlier.failedCalls) / seconds;
            latencyBucketsSince = new long[LatencyBuckets.COUNT];
            for (int i = 0; i < latencyBucketsSince.length; i++) {
                latencyBucketsSince[i] = Math.max(0, latencyBuckets[i] - earlier.latencyBuckets[i]);
            }
        }

        long measuredAtMicros() {
            return measuredAtMicros;
        }

        long completedCalls() {
            return completedCalls;
        }

        long failedCalls() {
            return failedCalls;
        }

        long latencySumMicros() {
            return latencySumMicros;
        }

        long busyMicros() {
            return busyMicros;
        }

        /** Whether these counters come later from the same data plane run as {@code earlier}. */
        boolean follows(NodeCounters earlier) {
            return measuredAtMicros > earlier.measuredAtMicros
                    && completedCalls >= earlier.completedCalls
                    && failedCalls >= earlier.failedCalls
                    && busyMicros >= earlier.busyMicros;
        }
    }
}
