package io.leveros.dataplane.instance;

/**
 * How many warm runtimes a node keeps idle for each of Java and Node when {@code --warm-runtimes} is
 * not given: as many pairs (one Java, one Node) as fit in {@value #MEMORY_PERCENT} % of the node's
 * memory, between {@value #MIN_PER_KIND} and {@value #MAX_PER_KIND} of each (docs/data-plane.md, "Warm
 * runtimes"). A pair holds about {@value #PAIR_IDLE_MB} MB while idle (Java about 100, Node about 60).
 */
public final class WarmPoolSize {
    static final int MEMORY_PERCENT = 2;
    static final int PAIR_IDLE_MB = 160;
    static final int MIN_PER_KIND = 1;
    /** Ten at once is the burst the cold-start benchmark measures; more would sit idle on most nodes. */
    static final int MAX_PER_KIND = 10;

    private WarmPoolSize() {}

    /** @param nodeMemoryBytes the memory the node offers instances ({@code --memory-capacity}, or the machine's) */
    public static int perKind(long nodeMemoryBytes) {
        long budgetMb = nodeMemoryBytes / (1024 * 1024) * MEMORY_PERCENT / 100;
        return Math.clamp(budgetMb / PAIR_IDLE_MB, MIN_PER_KIND, MAX_PER_KIND);
    }
}
