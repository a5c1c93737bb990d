package io.leveros.controlplane.security;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address over a sliding window: after {@code maxFailures}
 * within {@code window}, the address is refused until the oldest of them leaves the window. Successful
 * requests do not count. At most {@code maxAddresses} addresses are tracked; beyond that, addresses
 * whose failures all left the window are forgotten, and new ones are not counted until there is room.
 */
public final class FailedAuthentications {
    private final int maxFailures;
    private final long windowMillis;
    private final int maxAddresses;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();

    public FailedAuthentications(int maxFailures, Duration window, int maxAddresses, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures: " + maxFailures + " (expected: >= 1)");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0, e.g. 60s)");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.maxAddresses = maxAddresses;
        this.clock = clock;
    }

    /** How long {@code address} must wait before it may try again; {@link Duration#ZERO} if it may now. */
    public Duration retryAfter(String address) {
        Failures failures = byAddress.get(address);
        return failures == null ? Duration.ZERO : failures.blockedFor(clock.millis());
    }

    /** {@link #retryAfter} in whole seconds, rounded up (for {@code Retry-After}); 0 if it may now. */
    public long retryAfterSeconds(String address) {
        Duration wait = retryAfter(address);
        return wait.isZero() ? 0 : Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** Counts one failed authentication from {@code address}. */
    public void failed(String address) {
        long now = clock.millis();
        if (byAddress.size() >= maxAddresses && !byAddress.containsKey(address)) {
            byAddress.values().removeIf(failures -> failures.isEmpty(now));
            if (byAddress.size() >= maxAddresses) {
                return;
            }
        }
        byAddress.computeIfAbsent(address, a -> new Failures()).add(now);
    }

    /** The failure times of one address within the window, oldest first. */
    private final class Failures {
        private final ArrayDeque<Long> times = new ArrayDeque<>();

        synchronized void add(long now) {
            prune(now);
            times.addLast(now);
            if (times.size() > maxFailures) {
                times.removeFirst(); // only the newest maxFailures matter
            }
        }

        synchronized Duration blockedFor(long now) {
            prune(now);
            return times.size() < maxFailures
                    ? Duration.ZERO
                    : Duration.ofMillis(times.peekFirst() + windowMillis - now);
        }

        synchronized boolean isEmpty(long now) {
            prune(now);
            return times.isEmpty();
        }

        private void prune(long now) {
            while (!times.isEmpty() && times.peekFirst() + windowMillis <= now) {
                times.removeFirst();
            }
        }
    }
}
