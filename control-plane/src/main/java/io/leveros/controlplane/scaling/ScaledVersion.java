package io.leveros.controlplane.scaling;

import java.util.HashMap;
import java.util.Map;

/**
 * What the autoscaler remembers of one live version between ticks: its concurrency, rate and
 * latency estimates,
 * the last cumulative counters of each node, and its current decision. Used by the tick thread only.
 */
final class ScaledVersion {
    /** Samples weigh half after this many ticks: with 250 ms ticks, estimates follow within ~1-2 s. */
    private static final double HALF_LIFE_TICKS = 4;

    final Ewma concurrency = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    final Ewma rate = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    final Ewma latency = new Ewma(Ewma.alphaForHalfLife(HALF_LIFE_TICKS));
    /** Per node: its counters in the last report seen, and the rates they gave. */
    final Map<String, NodeCounters> lastCounters = new HashMap<>();

    long lastActiveNanos;
    /** The instances decided, or -1 while there is nothing to decide (never used, no minimum). */
    int target = -1;
    /** Since when a lower need has lasted, or -1; and the highest need seen since. */
    long lowSinceNanos = -1;

    int lowMax;
    /** Per node: the instances placed there, and the report sequence that decision saw. */
    Map<String, long[]> placed = Map.of();
    /** Why instances of the target fit on no node, as last recorded; empty while all are placed. */
    String unplaced = "";

    /** One node's cumulative counters as of its report's {@code measuredAtMicros}, and the rates since its previous report. */
    static final class NodeCounters {
        private final long measuredAtMicros;
        private final long completedCalls;
        private final long latencySumMicros;
        private final long busyMicros;
        double concurrency;
        double rate;

        NodeCounters(long measuredAtMicros, long completedCalls, long latencySumMicros, long busyMicros) {
            this.measuredAtMicros = measuredAtMicros;
            this.completedCalls = completedCalls;
            this.latencySumMicros = latencySumMicros;
            this.busyMicros = busyMicros;
        }

        long measuredAtMicros() {
            return measuredAtMicros;
        }

        long completedCalls() {
            return completedCalls;
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
                    && busyMicros >= earlier.busyMicros;
        }
    }
}
