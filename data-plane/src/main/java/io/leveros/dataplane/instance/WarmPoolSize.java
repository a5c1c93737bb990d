package io.leveros.dataplane.instance;

import java.util.Map;

/**
 * How many warm runtimes a node keeps idle for each of Java and Node (docs/data-plane.md, "Warm
 * runtimes"): {@code atRest} of each, and up to {@code most} of each for a while after a burst of cold
 * starts needed more.
 *
 * <p>Without {@code --warm-runtimes}, sized by the node's memory: at rest, as many pairs (one Java, one
 * Node) as fit in {@value #MEMORY_PERCENT} % of it; after a burst, as many as fit in {@value
 * #BURST_MEMORY_PERCENT} %; between {@value #MIN_PER_KIND} and {@value #MAX_PER_KIND} of each.
 *
 * <p>An idle runtime costs what it holds of its own plus its share of the pages it maps with the others
 * (the JDK's and Node's code, the class-data archive): its proportional set size, measured with ten of
 * each idle (docs/data-plane.md, "Warm runtimes"). Its resident size counts the shared pages whole (Java
 * about 95 MB, Node about 56) and would size the pool at half of what the budget holds. The node's
 * reports count what the runtimes it keeps cost against its memory ({@link #idleBytes}).
 */
public record WarmPoolSize(int atRest, int most) {
    static final int MEMORY_PERCENT = 2;
    static final int BURST_MEMORY_PERCENT = 8;
    static final int JAVA_IDLE_MB = 68;
    static final int NODE_IDLE_MB = 17;
    static final int PAIR_IDLE_MB = JAVA_IDLE_MB + NODE_IDLE_MB;
    static final int MIN_PER_KIND = 1;
    /** Ten at once is the burst the cold-start benchmark measures; more would sit idle on most nodes. */
    static final int MAX_PER_KIND = 10;

    public WarmPoolSize {
        if (atRest < 0 || most < atRest) {
            throw new IllegalArgumentException("warm runtimes: " + atRest + " at rest, " + most + " at most");
        }
    }

    /** {@code --warm-runtimes N}: exactly {@code perKind} of each, bursts or not; 0 for none. */
    public static WarmPoolSize fixed(int perKind) {
        return new WarmPoolSize(perKind, perKind);
    }

    /** @param nodeMemoryBytes the memory the node offers instances ({@code --memory-capacity}, or the machine's) */
    public static WarmPoolSize byMemory(long nodeMemoryBytes) {
        int atRest = pairsFitting(nodeMemoryBytes, MEMORY_PERCENT);
        return new WarmPoolSize(atRest, Math.max(atRest, pairsFitting(nodeMemoryBytes, BURST_MEMORY_PERCENT)));
    }

    private static int pairsFitting(long nodeMemoryBytes, int percent) {
        long budgetMb = nodeMemoryBytes / (1024 * 1024) * percent / 100;
        return Math.clamp(budgetMb / PAIR_IDLE_MB, MIN_PER_KIND, MAX_PER_KIND);
    }

    /**
     * What {@code kept} warm runtimes cost while idle, in bytes.
     *
     * @param kept how many are kept by entry point ({@code java}, {@code node}), as {@link
     *     InstanceRuntime#keptWarmRuntimes} gives them
     */
    public static long idleBytes(Map<String, Integer> kept) {
        long megabytes = 0;
        for (Map.Entry<String, Integer> entry : kept.entrySet()) {
            megabytes += (long) entry.getValue() * (entry.getKey().equals("java") ? JAVA_IDLE_MB : NODE_IDLE_MB);
        }
        return megabytes * 1024 * 1024;
    }
}
