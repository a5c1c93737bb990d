package io.leveros.dataplane.instance;

import io.leveros.core.process.ExitCodes;
import io.leveros.dataplane.isolation.InstanceSandbox;
import io.leveros.proto.control.ServiceVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runtimes started ahead of need (docs/data-plane.md, "Warm runtimes"), so that a cold start skips the
 * JVM's or Node's start: for each entry point the data plane has a runtime for (Java, Node), idle
 * processes ({@link WarmPoolSize}), each started exactly as an instance with the default {@code ram}
 * would be (its own uid, its memory cgroup, its own temporary folder, an empty code folder of its own as
 * its working directory, background priority) but with {@code --warm} instead of a service: the
 * runtime loads and trains itself, then waits. A cold start takes one ({@link #take}), the process
 * runtime copies the version's code into its folder and {@link Warm#order orders} it to serve. A taken
 * runtime is replaced {@link #REFILL_DELAY_MS} later, in the background.
 *
 * <p>The cold starts that ask for one within that delay are a burst. Each of them that found none grows
 * the pool by one (to {@link WarmPoolSize#most()} at most), so that the next such burst is served warm;
 * after {@code grownFor} without a burst larger than the pool's size at rest ({@link #GROWN_FOR} in the
 * data plane), the idle runtimes beyond that size are ended.
 *
 * <p>Processes are started by the caller's {@code fork}, on its launcher thread (see {@link
 * ProcessRuntime}); an idle one that exits is logged and not replaced until the next take.
 */
final class WarmRuntimes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WarmRuntimes.class.getName());

    /**
     * One idle warm runtime.
     *
     * @param niced whether it was started at background priority (and trained so; it is reniced once
     *     trained)
     * @param trained completes once it has said {@value #READY_LINE}: only then may it be taken
     */
    record Warm(
            String id,
            ServiceVersion.EntryCase kind,
            Process process,
            InstanceSandbox sandbox,
            MemoryLimits.Limit ram,
            boolean niced,
            CompletableFuture<Void> trained) {

        /**
         * Tells the runtime what to serve: {@code args} after its own (the class or module) and the whole
         * environment it is to have, as one line of JSON on its standard input, which is then closed.
         */
        void order(List<String> args, Map<String, String> environment) throws IOException {
            String line = new JsonObject()
                            .put("args", new JsonArray(List.copyOf(args)))
                            .put("environment", new JsonObject(Map.copyOf(environment)))
                            .encode()
                    + "\n";
            try (OutputStream in = process.getOutputStream()) {
                in.write(line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Starts warm runtimes' processes; called on the launcher thread. */
    interface Fork {
        /** Whether one for {@code kind} would start as an instance would now; else it waits. */
        boolean ready(ServiceVersion.EntryCase kind);

        Warm start(String id, ServiceVersion.EntryCase kind, int ramMb);
    }

    /**
     * How long after a take its replacement starts: a burst of cold starts takes its runtimes and serves
     * its first calls before the replacements' starts and training compete with it for the CPU.
     */
    static final long REFILL_DELAY_MS = 1_000;

    /** How long a pool grown for a burst stays grown after the last burst larger than its size at rest. */
    static final Duration GROWN_FOR = Duration.ofMinutes(5);

    /** What a runtime's first output line is once it is trained and waits for its order (docs/contracts.md). */
    static final String READY_LINE = "warm runtime ready";

    private static final int MAX_READY_LINE_BYTES = 4096;

    /**
     * One entry point's runtimes; {@code kept}, {@code grownUntil} and {@code shrinkDue} change on the
     * launcher thread only.
     */
    private static final class Pool {
        /** Started and not taken: training, or trained and waiting. */
        final Deque<Warm> idle = new ConcurrentLinkedDeque<>();
        /** The cold starts that asked for one since the last refill: the burst going on. */
        final AtomicInteger asked = new AtomicInteger();
        /** Those of them that found none, once it has been full. */
        final AtomicInteger missed = new AtomicInteger();
        /**
         * Whether it has once held as many trained runtimes as it keeps: before, while its first ones
         * train after the data plane's start, a cold start that finds none says nothing of its size.
         */
        volatile boolean filled;
        /** How many it keeps idle now. */
        volatile int kept;
        /** When, in {@link System#nanoTime()}, a pool grown for a burst goes back to its size at rest. */
        long grownUntil;
        /** Whether it is grown and its shrinking is scheduled. */
        boolean shrinkDue;

        Pool(int kept) {
            this.kept = kept;
        }
    }

    private final WarmPoolSize size;
    private final Duration grownFor;
    private final int ramMb;
    private final Fork fork;
    private final Executor launcher;
    private final Map<ServiceVersion.EntryCase, Pool> pools = new EnumMap<>(ServiceVersion.EntryCase.class);
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean refillScheduled = new AtomicBoolean();
    /**
     * Held while a runtime starts and joins its pool, and by {@link #close()} as it closes: so close waits
     * for a start under way (and then ends that runtime too), and none starts after it.
     */
    private final Object starting = new Object();

    private volatile boolean closed;

    /**
     * @param kinds the entry points to keep warm runtimes for
     * @param size how many to keep idle for each
     * @param grownFor how long a pool grown for a burst stays so after the last such burst
     * @param ramMb the {@code ram} they are started with: only instances with that much take them
     */
    WarmRuntimes(
            Set<ServiceVersion.EntryCase> kinds,
            WarmPoolSize size,
            Duration grownFor,
            int ramMb,
            Fork fork,
            Executor launcher) {
        this.size = size;
        this.grownFor = grownFor;
        this.ramMb = ramMb;
        this.fork = fork;
        this.launcher = launcher;
        if (size.most() > 0) {
            kinds.forEach(kind -> pools.put(kind, new Pool(size.atRest())));
        }
        if (pools.isEmpty()) {
            return;
        }
        if (size.most() > size.atRest()) {
            LOG.log(
                    Level.INFO,
                    "keeping {0} warm runtime(s) idle for each of {1}, up to {2} for {3} s after a burst of"
                            + " cold starts needed more (--warm-runtimes to fix the number)",
                    size.atRest(),
                    pools.keySet(),
                    size.most(),
                    grownFor.toSeconds());
        } else {
            LOG.log(
                    Level.INFO,
                    "keeping {0} warm runtime(s) idle for each of {1} (--warm-runtimes)",
                    size.atRest(),
                    pools.keySet());
        }
    }

    /** Starts what is missing, in the background. */
    void fill() {
        if (!pools.isEmpty()) {
            onLauncher(this::startMissing);
        }
    }

    /** Whether instances of {@code version} with {@code ramMb} may take a runtime of this pool. */
    boolean keeps(ServiceVersion version, int ramMb) {
        return ramMb == this.ramMb && pools.containsKey(version.getEntryCase()) && !closed;
    }

    /**
     * An idle runtime for the cold start of an instance of {@code version} with {@code ramMb}, or {@code
     * null}; replaced soon. A cold start that asks and finds none counts in the burst too.
     */
    Warm take(ServiceVersion version, int ramMb) {
        Pool pool = pools.get(version.getEntryCase());
        if (ramMb != this.ramMb || pool == null || closed) {
            return null;
        }
        pool.asked.incrementAndGet();
        refillLater();
        for (Warm warm : pool.idle) {
            if (warm.trained().isDone() && warm.process().isAlive() && pool.idle.remove(warm)) {
                return warm;
            }
        }
        if (pool.filled) {
            pool.missed.incrementAndGet();
        }
        return null;
    }

    /**
     * Sizes the pools for the burst that asked and fills them, {@link #REFILL_DELAY_MS} from now, unless
     * that is due already: after the first take since the pools were last filled, or while a kind's
     * runtimes cannot start yet.
     */
    private void refillLater() {
        if (refillScheduled.compareAndSet(false, true)) {
            CompletableFuture.delayedExecutor(REFILL_DELAY_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        refillScheduled.set(false);
                        onLauncher(() -> {
                            growForBursts();
                            startMissing();
                        });
                    });
        }
    }

    private void onLauncher(Runnable task) {
        if (closed) {
            return;
        }
        try {
            launcher.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Grows each pool by the cold starts of the last burst that found none (on the launcher thread). */
    private void growForBursts() {
        pools.forEach((kind, pool) -> {
            int asked = pool.asked.getAndSet(0);
            int missed = pool.missed.getAndSet(0);
            if (size.most() == size.atRest() || (asked <= size.atRest() && missed == 0)) {
                return;
            }
            pool.grownUntil = System.nanoTime() + grownFor.toNanos();
            int kept = Math.min(pool.kept + missed, size.most());
            if (kept > pool.kept) {
                LOG.log(
                        Level.INFO,
                        "{0} cold start(s) of {1} instances within a second, {2} without a warm runtime: keeping"
                                + " {3} idle for the next such burst, until {4} s pass without one",
                        asked,
                        kind,
                        missed,
                        kept,
                        grownFor.toSeconds());
                pool.kept = kept;
            }
            if (pool.kept > size.atRest() && !pool.shrinkDue) {
                pool.shrinkDue = true;
                shrinkLater(kind, pool, grownFor.toNanos());
            }
        });
    }

    private void shrinkLater(ServiceVersion.EntryCase kind, Pool pool, long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS)
                .execute(() -> onLauncher(() -> shrinkWhenQuiet(kind, pool)));
    }

    /**
     * Shrinks a grown pool back to its size at rest once no burst has pushed its time on, else checks
     * again then (on the launcher thread).
     */
    private void shrinkWhenQuiet(ServiceVersion.EntryCase kind, Pool pool) {
        long left = pool.grownUntil - System.nanoTime();
        if (left > 0) {
            shrinkLater(kind, pool, left);
            return;
        }
        pool.shrinkDue = false;
        pool.kept = size.atRest();
        LOG.log(
                Level.INFO,
                "no burst of more than {0} cold starts of {1} instances for {2} s: keeping {0} warm runtime(s)"
                        + " idle again",
                size.atRest(),
                kind,
                grownFor.toSeconds());
        for (Iterator<Warm> newestFirst = pool.idle.descendingIterator();
                newestFirst.hasNext() && pool.idle.size() > pool.kept; ) {
            Warm warm = newestFirst.next();
            if (pool.idle.remove(warm)) {
                discard(warm);
            }
        }
    }

    /** Ends a taken runtime that could not be ordered, and frees what it had once it has exited. */
    void discard(Warm warm) {
        warm.process().destroyForcibly();
        warm.process().onExit().thenRun(() -> release(warm));
    }

    /** How many idle runtimes, trained and waiting, there are now of each entry point. */
    Map<ServiceVersion.EntryCase, Integer> idleCounts() {
        Map<ServiceVersion.EntryCase, Integer> counts = new EnumMap<>(ServiceVersion.EntryCase.class);
        pools.forEach((kind, pool) -> counts.put(kind, trained(pool)));
        return counts;
    }

    private static int trained(Pool pool) {
        return (int) pool.idle.stream().filter(warm -> warm.trained().isDone()).count();
    }

    /** How many idle runtimes each entry point's pool keeps now: its size at rest, or more after a burst. */
    Map<ServiceVersion.EntryCase, Integer> keptCounts() {
        Map<ServiceVersion.EntryCase, Integer> counts = new EnumMap<>(ServiceVersion.EntryCase.class);
        pools.forEach((kind, pool) -> counts.put(kind, pool.kept));
        return counts;
    }

    /** How many runtimes the pool of {@code kind} holds now, training or trained. */
    int held(ServiceVersion.EntryCase kind) {
        Pool pool = pools.get(kind);
        return pool == null ? 0 : pool.idle.size();
    }

    private void startMissing() {
        for (Map.Entry<ServiceVersion.EntryCase, Pool> entry : pools.entrySet()) {
            Pool pool = entry.getValue();
            Deque<Warm> queue = pool.idle;
            if (queue.size() < pool.kept && !fork.ready(entry.getKey())) {
                refillLater();
                continue;
            }
            // counted once: one that exits at once must not be replaced in a loop here (the next fill does)
            int missing = pool.kept - queue.size();
            for (int i = 0; i < missing; i++) {
                Warm warm;
                synchronized (starting) {
                    if (closed) {
                        return;
                    }
                    try {
                        warm = fork.start("warm-" + ids.incrementAndGet(), entry.getKey(), ramMb);
                    } catch (RuntimeException e) {
                        LOG.log(
                                Level.WARNING,
                                "could not start a warm {0} runtime ({1}); cold starts of its instances start"
                                        + " their own",
                                entry.getKey(),
                                e.getMessage());
                        break;
                    }
                    queue.addLast(warm);
                }
                Thread.ofVirtual().name("lever-warm-" + warm.id()).start(() -> awaitReadyLine(warm));
                warm.trained().thenRun(() -> {
                    if (trained(pool) >= pool.kept) {
                        pool.filled = true; // never back: runtimes train on threads of their own
                    }
                });
                warm.process().onExit().thenRun(() -> {
                    if (queue.remove(warm)) {
                        if (!closed) {
                            LOG.log(
                                    Level.WARNING,
                                    "warm runtime {0} ({1}) {2} before it was used",
                                    warm.id(),
                                    warm.kind(),
                                    ExitCodes.exited(warm.process().exitValue()));
                        }
                        release(warm);
                    }
                });
            }
        }
    }

    /**
     * Reads the runtime's first output line (and nothing after it: the instance's output capture reads
     * on from there once it is taken); completes {@link Warm#trained} when it is {@value #READY_LINE}.
     */
    private static void awaitReadyLine(Warm warm) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            InputStream out = warm.process().getInputStream();
            for (int b = out.read(); b != '\n'; b = out.read()) {
                if (b < 0 || line.size() >= MAX_READY_LINE_BYTES) {
                    return; // exited (logged as such), or not a runtime that knows --warm
                }
                line.write(b);
            }
        } catch (IOException e) {
            return;
        }
        if (line.toString(StandardCharsets.UTF_8).equals(READY_LINE)) {
            if (warm.niced()) { // trained at low priority; idle now, it will run at the instance's
                ProcessInstance.reniceToNormal(warm.process().pid(), "warm runtime " + warm.id());
            }
            warm.trained().complete(null);
        } else {
            LOG.log(
                    Level.WARNING,
                    "warm runtime {0} ({1}) said \"{2}\" instead of \"{3}\"; it is ended",
                    warm.id(),
                    warm.kind(),
                    line.toString(StandardCharsets.UTF_8),
                    READY_LINE);
            // it would never be taken, yet hold one of the pool's places (and its memory) for good
            warm.process().destroyForcibly();
        }
    }

    private static void release(Warm warm) {
        warm.sandbox().killLeftovers();
        warm.ram().remove();
        warm.sandbox().close();
    }

    /** Ends every idle runtime, one starting now included, and waits for them to exit. */
    @Override
    public void close() {
        synchronized (starting) {
            closed = true;
        }
        for (Pool pool : pools.values()) {
            for (Warm warm : pool.idle) {
                warm.process().destroyForcibly();
            }
        }
        for (Pool pool : pools.values()) {
            Deque<Warm> queue = pool.idle;
            for (Warm warm : queue) {
                try {
                    warm.process().onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // killed: it goes with the platform
                }
                if (queue.remove(warm)) {
                    release(warm);
                }
            }
        }
    }
}
