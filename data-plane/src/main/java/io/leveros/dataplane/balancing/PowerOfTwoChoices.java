package io.leveros.dataplane.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least outstanding requests by power of two choices: pick two distinct candidates at random and
 * take the one with fewer calls in flight. No allocation, O(1).
 */
public final class PowerOfTwoChoices {
    private PowerOfTwoChoices() {}

    /** Picks from a non-empty list. */
    public static <T extends Loaded> T pick(List<T> candidates) {
        return pick(candidates, ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
    }

    /**
     * Picks from a non-empty list using {@code random} (≥ 0) as the source of both choices, so
     * tests can be deterministic.
     */
    public static <T extends Loaded> T pick(List<T> candidates, int random) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        int first = random % size;
        int second = (first + 1 + (random / size) % (size - 1)) % size;
        T a = candidates.get(first);
        T b = candidates.get(second);
        return b.outstanding() < a.outstanding() ? b : a;
    }

    /** The smallest load among the candidates, or {@link Integer#MAX_VALUE} when there are none. */
    public static int minOutstanding(List<? extends Loaded> candidates) {
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            min = Math.min(min, candidates.get(i).outstanding());
        }
        return min;
    }
}
