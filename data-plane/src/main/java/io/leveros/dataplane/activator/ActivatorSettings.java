package io.leveros.dataplane.activator;

/**
 * Limits of the activator.
 *
 * @param maxQueuedCalls calls that may wait for a starting instance, per service version
 * @param localMaxInstances the most instances of one version this node runs on its own
 * @param maxStartAttempts failed starts in a row after which a version is not started again (until
 *     it is deployed again, which makes a new pool)
 * @param queueTimeoutMs how long a call waits for an instance to become ready
 * @param idleCheckIntervalMs how often idle instances are looked for
 * @param handoverMs after a new version goes live, how long the replaced one's ready instances keep a
 *     (falling) share of new calls while the new ones warm up; 0: none
 */
public record ActivatorSettings(
        int maxQueuedCalls,
        int localMaxInstances,
        int maxStartAttempts,
        long queueTimeoutMs,
        long idleCheckIntervalMs,
        long handoverMs) {

    public ActivatorSettings {
        if (maxQueuedCalls < 1) {
            throw new IllegalArgumentException("maxQueuedCalls: " + maxQueuedCalls + " (expected: >= 1)");
        }
        if (maxStartAttempts < 1) {
            throw new IllegalArgumentException("maxStartAttempts: " + maxStartAttempts + " (expected: >= 1)");
        }
        if (localMaxInstances < 1) {
            throw new IllegalArgumentException("localMaxInstances: " + localMaxInstances + " (expected: >= 1)");
        }
    }
}
