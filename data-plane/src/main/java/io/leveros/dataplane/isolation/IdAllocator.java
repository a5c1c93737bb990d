package io.leveros.dataplane.isolation;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hands out ids of an {@link IdRange} at random, never one this data plane still uses nor one
 * others use now ({@link IdsInUse}): a uid per instance, a gid per service version. Random so that
 * data planes sharing a machine rarely pick the same id at the same moment. Thread-safe.
 */
final class IdAllocator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IdRange range;
    private final Supplier<Set<Integer>> usedElsewhere;
    private final Set<Integer> used = new HashSet<>();

    IdAllocator(IdRange range, Supplier<Set<Integer>> usedElsewhere) {
        this.range = range;
        this.usedElsewhere = usedElsewhere;
    }

    int allocate() {
        Set<Integer> elsewhere = usedElsewhere.get(); // outside the lock: it reads /proc
        return allocate(elsewhere);
    }

    private synchronized int allocate(Set<Integer> elsewhere) {
        if (used.size() >= range.size() / 2) {
            throw new IllegalStateException("half of the " + range.size() + " ids of --instance-uids " + range
                    + " are in use by instances and versions of this node: give it a wider range");
        }
        while (true) {
            int id = range.first() + RANDOM.nextInt(range.size());
            if (!elsewhere.contains(id) && used.add(id)) {
                return id;
            }
        }
    }

    synchronized void release(int id) {
        used.remove(id);
    }
}
