package io.leveros.dataplane.isolation;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out ids of an {@link IdRange} at random, never one this data plane still uses: a uid per
 * instance, a gid per service version. Random so that data planes sharing a machine rarely pick
 * the same id (they do not know each other's). Thread-safe.
 */
final class IdAllocator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IdRange range;
    private final Set<Integer> used = new HashSet<>();

    IdAllocator(IdRange range) {
        this.range = range;
    }

    synchronized int allocate() {
        if (used.size() >= range.size() / 2) {
            throw new IllegalStateException("half of the " + range.size() + " ids of --instance-uids " + range
                    + " are in use by instances and versions of this node: give it a wider range");
        }
        while (true) {
            int id = range.first() + RANDOM.nextInt(range.size());
            if (used.add(id)) {
                return id;
            }
        }
    }

    synchronized void release(int id) {
        used.remove(id);
    }
}
