package io.leveros.dataplane.activator;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.retry.Jitter;

/**
 * The failed starts of one pool: after a failure the next start waits {@value #FIRST_RETRY_MS} ms,
 * doubling with each failure in a row up to {@value #MAX_RETRY_MS} ms (each delay {@link Jitter}ed),
 * and after {@code maxStartAttempts} failures in a row no start is tried again (a new deploy makes
 * a new pool). A start that succeeds clears it all.
 *
 * <p>Not thread-safe: used under its {@link ServicePool}'s lock.
 */
final class StartBackoff {
    static final long FIRST_RETRY_MS = 1_000;
    static final long MAX_RETRY_MS = 30_000;

    private final int maxStartAttempts;
    /** The last start's failure while no start has succeeded since, else {@code null}. */
    private CallException failing;
    /** Failed starts since the last one that succeeded. */
    private int failedStarts;

    private long retryDelayMs;
    private long retryAtNanos;

    StartBackoff(int maxStartAttempts) {
        this.maxStartAttempts = maxStartAttempts;
    }

    /**
     * A start failed at {@code nowNanos} because of {@code why}: the next waits longer. Returns
     * whether this failure is the one after which no start is tried again (true once).
     */
    boolean failed(CallException why, long nowNanos) {
        failing = why;
        failedStarts++;
        retryDelayMs = retryDelayMs == 0 ? FIRST_RETRY_MS : Math.min(MAX_RETRY_MS, retryDelayMs * 2);
        retryAtNanos = nowNanos + Jitter.spread(retryDelayMs) * 1_000_000;
        return failedStarts == maxStartAttempts;
    }

    /** A start succeeded: the next failure waits {@value #FIRST_RETRY_MS} ms again. */
    void succeeded() {
        failing = null;
        failedStarts = 0;
        retryDelayMs = 0;
    }

    /** Whether the last start failed and no start has succeeded since. */
    boolean failing() {
        return failing != null;
    }

    /** Whether no start may be tried at {@code nowNanos}: the delay after a failure has not passed, or it gave up. */
    boolean holdsOff(long nowNanos) {
        return failing != null && (gaveUp() || nowNanos < retryAtNanos);
    }

    /** Whether starts failed too often in a row to try again. */
    boolean gaveUp() {
        return failedStarts >= maxStartAttempts;
    }

    /**
     * While {@link #failing()}: why there is no instance (the failure), what happens next and what
     * to do about it.
     */
    String why(long nowNanos) {
        String next = gaveUp()
                ? "no start is tried again: it failed " + failedStarts + " times in a row"
                : "the next start is tried in " + Math.max(0, retryAtNanos - nowNanos) / 1_000_000 + " ms";
        return failing.getMessage() + "\n(" + next + "; fix the service and deploy it again)";
    }

    /** For the reports: {@link #why} while failing, else empty. */
    String report(long nowNanos) {
        return failing == null ? "" : why(nowNanos);
    }
}
