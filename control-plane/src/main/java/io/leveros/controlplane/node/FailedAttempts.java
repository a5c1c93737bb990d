package io.leveros.controlplane.node;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address: an address with {@code limit} failures within
 * {@code windowMillis} is blocked until the oldest of them is older than that. Bounds the guessing a
 * local process can do against the gRPC port.
 */
public final class FailedAttempts {
    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, Deque<Long>> byClient = new ConcurrentHashMap<>();

    public FailedAttempts(int limit, long windowMillis, Clock clock) {
        if (limit < 1 || windowMillis < 1) {
            throw new IllegalArgumentException(
                    "limit " + limit + ", window " + windowMillis + " ms (expected: both >= 1)");
        }
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    public void record(String client) {
        long now = clock.millis();
        Deque<Long> times = byClient.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst();
            }
        }
    }

    public boolean blocked(String client) {
        Deque<Long> times = byClient.get(client);
        if (times == null) {
            return false;
        }
        synchronized (times) {
            prune(times, clock.millis());
            if (times.isEmpty()) {
                byClient.remove(client, times);
            }
            return times.size() >= limit;
        }
    }

    private void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= windowMillis) {
            times.removeFirst();
        }
    }
}
