package io.leveros.dataplane.retry;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Spreads retry delays so that many data planes that failed at the same instant (a control-plane
 * restart, a version that crashes everywhere) do not retry at the same instant: "equal jitter",
 * half the delay fixed, the other half random. Keeps each retry at least half its nominal delay
 * and the average at three quarters of it.
 */
public final class Jitter {
    private Jitter() {}

    /** A delay in {@code [delay / 2, delay]}. */
    public static long spread(long delay) {
        if (delay < 2) {
            return delay;
        }
        long half = delay / 2;
        return half + ThreadLocalRandom.current().nextLong(delay - half + 1);
    }
}
