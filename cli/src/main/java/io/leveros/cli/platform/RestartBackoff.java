package io.leveros.cli.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long {@code lever up} waits before it restarts a component that exited by itself: 1 s, then
 * doubling up to 30 s while it keeps exiting soon after each start, jittered by up to a quarter;
 * back to 1 s once a start has lasted a minute. It never gives up: while the control plane is away
 * the data plane keeps serving, so retrying costs little and a transient cause (a full disk, a port
 * taken for a while) heals by itself.
 */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    /** A run this long counts as healthy: the next exit starts the backoff over. */
    static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

    private Duration next = FIRST;
    private int restarts;

    /**
     * The wait before the next restart of a component that exited after running {@code ran}.
     * Also counts the restart.
     */
    Duration after(Duration ran) {
        if (ran.compareTo(HEALTHY_RUN) >= 0) {
            next = FIRST;
        }
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        restarts++;
        long jitter = ThreadLocalRandom.current().nextLong(delay.toMillis() / 4 + 1);
        return delay.minusMillis(jitter);
    }

    /** Restarts so far. */
    int restarts() {
        return restarts;
    }
}
