package io.leveros.core.stats;

/**
 * The latency buckets of a node's report ({@code ServingVersion.latency_bucket_counts}): the data
 * plane counts each answered call in the first bucket whose upper bound is at least its latency,
 * and the control plane reads percentiles from the differences between two reports. Both use these
 * bounds, so they change only with the report's format.
 *
 * <p>The bounds run from 100 µs to 60 s in steps of 1, 2, 3 and 5 per decade (a step is at most
 * twice the one before, so an interpolated percentile is off by less than the bucket's width);
 * bucket {@link #OVERFLOW} counts the calls slower than 60 s.
 */
public final class LatencyBuckets {
    private static final long[] UPPER_BOUNDS_MICROS = {
        100, 200, 300, 500, //
        1_000, 2_000, 3_000, 5_000,
        10_000, 20_000, 30_000, 50_000,
        100_000, 200_000, 300_000, 500_000,
        1_000_000, 2_000_000, 3_000_000, 5_000_000,
        10_000_000, 20_000_000, 30_000_000, 60_000_000
    };

    /** The index of the bucket of calls slower than the last bound. */
    public static final int OVERFLOW = UPPER_BOUNDS_MICROS.length;

    /** How many buckets a report counts: one per bound, and the overflow. */
    public static final int COUNT = OVERFLOW + 1;

    private LatencyBuckets() {}

    /** The upper bound of bucket {@code index} (inclusive), in µs; for {@link #OVERFLOW}, the last bound. */
    public static long upperBoundMicros(int index) {
        if (index < 0 || index > OVERFLOW) {
            throw new IllegalArgumentException("bucket index: " + index + " (expected: 0 to " + OVERFLOW + ")");
        }
        return UPPER_BOUNDS_MICROS[Math.min(index, OVERFLOW - 1)];
    }

    /** The bucket a call of {@code micros} counts in: a binary search, no allocation. */
    public static int indexOf(long micros) {
        int low = 0;
        int high = OVERFLOW;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (UPPER_BOUNDS_MICROS[middle] < micros) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * The {@code quantile} (0 to 1) of the calls {@code counts} holds (one count per bucket; fewer
     * count as zero), in seconds: the bucket where the cumulative count reaches {@code quantile} of
     * the total, interpolated linearly between its lower bound (the previous bound, 0 for the
     * first) and its upper bound. Calls in the overflow bucket give the last bound (60 s): nothing
     * says how much slower they were. 0 when {@code counts} holds no call.
     */
    public static double quantileSeconds(long[] counts, double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile: " + quantile + " (expected: 0 to 1)");
        }
        if (counts.length > COUNT) {
            throw new IllegalArgumentException(
                    "bucket counts: " + counts.length + " (expected: at most " + COUNT + ", one per bucket)");
        }
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        if (total <= 0) {
            return 0;
        }
        double rank = quantile * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long count = counts[i];
            if (count > 0 && below + count >= rank) {
                if (i == OVERFLOW) {
                    return UPPER_BOUNDS_MICROS[OVERFLOW - 1] / 1e6;
                }
                long lower = i == 0 ? 0 : UPPER_BOUNDS_MICROS[i - 1];
                double within = (rank - below) / count;
                return (lower + within * (UPPER_BOUNDS_MICROS[i] - lower)) / 1e6;
            }
            below += count;
        }
        return 0; // not reached: the last non-empty bucket holds the rank
    }
}
