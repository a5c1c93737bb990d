package io.leveros.dataplane.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations counted into fixed buckets, written as a Prometheus histogram in seconds. Recording is
 * lock-free and allocates nothing: a few comparisons and two atomic adds.
 */
public final class DurationHistogram {
    /** Upper bounds of the buckets, in seconds: from a 1 ms call to a 60 s instance start. */
    static final double[] BOUNDS_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];
    private static final String[] BOUND_LABELS = new String[BOUNDS_SECONDS.length + 1];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
            BOUND_LABELS[i] = Double.toString(BOUNDS_SECONDS[i]);
        }
        BOUND_LABELS[BOUNDS_SECONDS.length] = "+Inf";
    }

    /** Per bucket, not cumulative: the last one counts what is above every bound. */
    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_NANOS.length + 1);

    private final AtomicLong sumNanos = new AtomicLong();

    public void record(long nanos) {
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        counts.incrementAndGet(bucket);
        sumNanos.addAndGet(nanos);
    }

    /**
     * Writes {@code <name>_bucket}, {@code _sum} and {@code _count} samples.
     *
     * @param labels the series' labels, e.g. {@code service="hello"}
     */
    void write(PrometheusText text, String name, String labels) {
        String separator = labels.isEmpty() ? "" : ",";
        long cumulative = 0;
        for (int i = 0; i < counts.length(); i++) {
            cumulative += counts.get(i);
            text.sample(name + "_bucket", labels + separator + "le=\"" + BOUND_LABELS[i] + "\"", cumulative);
        }
        text.sample(name + "_sum", labels, sumNanos.get() / 1e9);
        text.sample(name + "_count", labels, cumulative);
    }
}
