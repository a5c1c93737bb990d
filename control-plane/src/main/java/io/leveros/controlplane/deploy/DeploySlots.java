package io.leveros.controlplane.deploy;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how many uploads are extracted at once: each extraction holds a decompressor, buffers and disk
 * bandwidth, so an unbounded number of uploads at once can exhaust the control plane. A deploy past the
 * bound waits up to {@code maxWait} for a slot (first come, first served), then is refused with {@link
 * DeployBusyException}.
 */
final class DeploySlots {
    private final Semaphore slots;
    private final int maxConcurrent;
    private final Duration maxWait;

    DeploySlots(int maxConcurrent, Duration maxWait) {
        if (maxConcurrent <= 0) {
            throw new IllegalArgumentException(
                    "lever.deploy.max-concurrent: " + maxConcurrent + " (expected: at least 1)");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("lever.deploy.max-wait: " + maxWait + " (expected: 0 or more)");
        }
        this.slots = new Semaphore(maxConcurrent, true);
        this.maxConcurrent = maxConcurrent;
        this.maxWait = maxWait;
    }

    /** A slot held until closed. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a slot, waiting up to {@code maxWait}.
     *
     * @throws DeployBusyException when none came free in time (or the thread was interrupted)
     */
    Slot acquire() {
        try {
            if (slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return slots::release;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new DeployBusyException(
                "the control plane is already extracting " + maxConcurrent + " deploys and none finished within "
                        + maxWait.toMillis() + " ms (expected: at most " + maxConcurrent + " at once; retry "
                        + "later, or raise lever.deploy.max-concurrent)",
                maxWait);
    }
}
