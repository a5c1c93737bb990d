package io.leveros.controlplane.scaling;

/**
 * An exponentially weighted moving average with its variance, for one noisy series (a request rate,
 * a latency). {@link #upper()} is the upper end of a ~95 % confidence interval: mean + 1.96 standard
 * deviations, so a scaler that plans for it has headroom for the noise it has seen; but not above
 * the highest of the last {@link #RECENT} samples (nor below the mean): a drop in load raises the
 * variance too, and without that cap a falling load would ask for more instances than it ever
 * needed.
 *
 * <p>Not thread-safe: each is updated by the autoscaler's tick only.
 */
final class Ewma {
    private static final double Z_95 = 1.96;
    static final int RECENT = 8;

    private final double alpha;
    private double mean;
    private double variance;
    private boolean seeded;
    private final double[] recent = new double[RECENT];
    private int samples;

    /** @param alpha weight of each new sample, in (0, 1] */
    Ewma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha: " + alpha + " (expected: 0 < alpha <= 1)");
        }
        this.alpha = alpha;
    }

    /** The weight giving a sample half its influence after {@code halfLifeTicks} ticks. */
    static double alphaForHalfLife(double halfLifeTicks) {
        return 1 - Math.pow(0.5, 1 / Math.max(1, halfLifeTicks));
    }

    void add(double sample) {
        recent[samples++ % RECENT] = sample;
        if (!seeded) {
            mean = sample;
            variance = 0;
            seeded = true;
            return;
        }
        double diff = sample - mean;
        double increment = alpha * diff;
        mean += increment;
        variance = (1 - alpha) * (variance + diff * increment);
    }

    double mean() {
        return mean;
    }

    double upper() {
        double highest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(samples, RECENT); i++) {
            highest = Math.max(highest, recent[i]);
        }
        return Math.max(mean, Math.min(mean + Z_95 * Math.sqrt(variance), highest));
    }

    boolean seeded() {
        return seeded;
    }
}
