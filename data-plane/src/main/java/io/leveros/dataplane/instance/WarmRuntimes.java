package io.leveros.dataplane.instance;

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
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runtimes started ahead of need (docs/data-plane.md, "Warm runtimes"), so that a cold start skips the
 * JVM's or Node's start: for each entry point the data plane has a runtime for (Java, Node), up to
 * {@code perKind} idle processes, each started exactly as an instance with the default {@code ram}
 * would be (its own uid, its memory cgroup, its own temporary folder, an empty code folder of its own as
 * its working directory, background priority) but with {@code --warm} instead of a service: the
 * runtime loads and trains itself, then waits. A cold start takes one ({@link #take}), the process
 * runtime copies the version's code into its folder and {@link Warm#order orders} it to serve. A taken
 * runtime is replaced {@link #REFILL_DELAY_MS} later, in the background.
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

    /** What a runtime's first output line is once it is trained and waits for its order (docs/contracts.md). */
    static final String READY_LINE = "warm runtime ready";

    private static final int MAX_READY_LINE_BYTES = 4096;

    private final int perKind;
    private final int ramMb;
    private final Fork fork;
    private final Executor launcher;
    private final Map<ServiceVersion.EntryCase, Deque<Warm>> idle = new EnumMap<>(ServiceVersion.EntryCase.class);
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean refillScheduled = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param kinds the entry points to keep warm runtimes for
     * @param perKind how many to keep idle for each
     * @param ramMb the {@code ram} they are started with: only instances with that much take them
     */
    WarmRuntimes(Set<ServiceVersion.EntryCase> kinds, int perKind, int ramMb, Fork fork, Executor launcher) {
        this.perKind = perKind;
        this.ramMb = ramMb;
        this.fork = fork;
        this.launcher = launcher;
        if (perKind > 0) {
            kinds.forEach(kind -> idle.put(kind, new ConcurrentLinkedDeque<>()));
        }
        if (!idle.isEmpty()) {
            LOG.log(
                    Level.INFO,
                    "keeping {0} warm runtime(s) idle for each of {1} (--warm-runtimes)",
                    perKind,
                    idle.keySet());
        }
    }

    /** Starts what is missing, in the background. */
    void fill() {
        if (idle.isEmpty() || closed) {
            return;
        }
        try {
            launcher.execute(this::startMissing);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Whether an idle runtime may be there for an instance of {@code version} with {@code ramMb}. */
    boolean mayHave(ServiceVersion version, int ramMb) {
        Deque<Warm> queue = idle.get(version.getEntryCase());
        return ramMb == this.ramMb && queue != null && !queue.isEmpty();
    }

    /** An idle runtime for an instance of {@code version} with {@code ramMb}, or {@code null}; replaced soon. */
    Warm take(ServiceVersion version, int ramMb) {
        Deque<Warm> queue = idle.get(version.getEntryCase());
        if (ramMb != this.ramMb || queue == null || closed) {
            return null;
        }
        for (Warm warm : queue) {
            if (warm.trained().isDone() && warm.process().isAlive() && queue.remove(warm)) {
                refillLater();
                return warm;
            }
        }
        return null;
    }

    /**
     * Fills the pool {@link #REFILL_DELAY_MS} from now, unless a fill is due already: after the first
     * take since the pool was last filled, or while a kind's runtimes cannot start yet.
     */
    private void refillLater() {
        if (refillScheduled.compareAndSet(false, true)) {
            CompletableFuture.delayedExecutor(REFILL_DELAY_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        refillScheduled.set(false);
                        fill();
                    });
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
        idle.forEach((kind, queue) -> counts.put(kind, (int)
                queue.stream().filter(warm -> warm.trained().isDone()).count()));
        return counts;
    }

    private void startMissing() {
        for (Map.Entry<ServiceVersion.EntryCase, Deque<Warm>> entry : idle.entrySet()) {
            Deque<Warm> queue = entry.getValue();
            if (queue.size() < perKind && !fork.ready(entry.getKey())) {
                refillLater();
                continue;
            }
            // counted once: one that exits at once must not be replaced in a loop here (the next fill does)
            int missing = perKind - queue.size();
            for (int i = 0; i < missing && !closed; i++) {
                Warm warm;
                try {
                    warm = fork.start("warm-" + ids.incrementAndGet(), entry.getKey(), ramMb);
                } catch (RuntimeException e) {
                    LOG.log(
                            Level.WARNING,
                            "could not start a warm {0} runtime ({1}); cold starts of its instances start their own",
                            entry.getKey(),
                            e.getMessage());
                    break;
                }
                queue.addLast(warm);
                Thread.ofVirtual().name("lever-warm-" + warm.id()).start(() -> awaitReadyLine(warm));
                warm.process().onExit().thenRun(() -> {
                    if (queue.remove(warm)) {
                        if (!closed) {
                            LOG.log(
                                    Level.WARNING,
                                    "warm runtime {0} ({1}) exited with {2} before it was used",
                                    warm.id(),
                                    warm.kind(),
                                    warm.process().exitValue());
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

    /** Ends every idle runtime and waits for them to exit. */
    @Override
    public void close() {
        closed = true;
        for (Deque<Warm> queue : idle.values()) {
            for (Warm warm : queue) {
                warm.process().destroyForcibly();
            }
        }
        for (Deque<Warm> queue : idle.values()) {
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
