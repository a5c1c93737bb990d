package io.leveros.dataplane.instance;

import io.leveros.dataplane.logs.NodeLogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reads an instance's stdout and stderr on one platform thread per stream (never an event loop, never
 * a virtual thread: a pipe read blocks in native code for as long as the instance is quiet, and on a
 * virtual thread it would hold one of the few carriers that every virtual thread of the data plane
 * shares; a node with a few quiet instances then ran nothing else on virtual threads, and a new
 * version's first start waited forever for its code), keeps every line in the instance's {@link
 * NodeLogs.InstanceLog} (for {@code lever logs}), prints it to the platform's log (as its
 * {@link Printer} writes it, e.g. {@code <prefix> <line>}), and keeps the last lines for error messages (e.g. why an instance could not
 * start).
 *
 * <p>Whatever the instance writes, memory stays bounded and the pipe is always drained, so the
 * instance never blocks on its own output: a line longer than {@link #MAX_LINE_BYTES} is cut into
 * pieces of that size; the log gets at most {@link #LOG_LINES_PER_SECOND} lines and {@link
 * #LOG_BYTES_PER_SECOND} bytes a second per instance (bursts of up to that much at once), and the
 * lines over it are counted, not printed, and reported in one line once the log takes lines again.
 * The instance's log and the kept last lines see every line (the instance's log is bounded itself).
 */
public final class OutputCapture {
    /** How many lines are kept for error messages. */
    public static final int KEPT_LINES = 20;

    /** The longest line printed or kept; longer ones are cut into pieces this long. */
    public static final int MAX_LINE_BYTES = 8 * 1024;

    /** The longest kept line: the kept lines go into error messages. */
    static final int MAX_KEPT_LINE_CHARS = 1_000;

    /** Lines a second one instance may print to the platform's log. */
    public static final int LOG_LINES_PER_SECOND = 200;

    /**
     * Bytes a second one instance may print to the platform's log: without it, 200 lines of
     * {@link #MAX_LINE_BYTES} would be 1.6 MB a second of one instance's flood.
     */
    public static final int LOG_BYTES_PER_SECOND = 200 * 1024;

    private static final int READ_BUFFER = 16 * 1024;

    /**
     * How a runtime's line on stdout begins once its port accepts calls (docs/contracts.md,
     * "Readiness"): {@link #servingAnnounced()}.
     */
    static final String SERVING_PREFIX = "serving ";

    /** How long {@link #endedAfterExit()} waits for the rest of an exited instance's output. */
    static final long OUTPUT_AFTER_EXIT_MS = 1_000;

    /** Prints a line the instance wrote on {@code stream} ({@code stdout}, {@code stderr}) to the platform's log. */
    @FunctionalInterface
    public interface Printer {
        void print(String stream, String line);
    }

    private final String name;
    private final Printer printer;
    private final NodeLogs.InstanceLog instanceLog;
    private final LongSupplier nanoClock;
    private final ArrayDeque<String> last = new ArrayDeque<>(KEPT_LINES);
    private final CompletableFuture<Void> servingAnnounced = new CompletableFuture<>();
    private CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);
    /** The log's budget: lines that may be printed now, refilled with time; guarded by {@code last}. */
    private double budget = LOG_LINES_PER_SECOND;
    /** The same in bytes. */
    private double byteBudget = LOG_BYTES_PER_SECOND;

    private long refilledNanos;
    private long droppedSinceReport;

    /** @param name the instance, as the reading threads are named */
    public OutputCapture(String name, Printer printer, NodeLogs.InstanceLog instanceLog) {
        this(name, printer, instanceLog, System::nanoTime);
    }

    OutputCapture(String name, Printer printer, NodeLogs.InstanceLog instanceLog, LongSupplier nanoClock) {
        this.name = name;
        this.printer = printer;
        this.instanceLog = instanceLog;
        this.nanoClock = nanoClock;
        this.refilledNanos = nanoClock.getAsLong();
    }

    /** Follows a stream until it ends, on a thread of its own. Call before {@link #ended()}. */
    public void follow(InputStream stream, String name) {
        Lines lines = lines(name);
        Thread.ofPlatform().daemon().name(this.name + " " + name).start(() -> pump(stream, lines));
    }

    /**
     * The line splitter of one stream whose bytes are handed over as they come (a container's output
     * arrives in frames, not through a pipe); {@link #ended()} waits for its {@link Lines#end()}. Call
     * before {@link #ended()}.
     */
    public Lines lines(String stream) {
        Lines lines = new Lines(stream);
        ended = CompletableFuture.allOf(ended, lines.done);
        return lines;
    }

    /** Completes when every followed stream has been read to its end. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * Completes when every stream has ended, or {@link #OUTPUT_AFTER_EXIT_MS} after the call: for an
     * instance that has exited, whose last lines say why, but whose leftovers (a child process, the
     * engine's log stream) may hold its output open.
     */
    public CompletableFuture<Void> endedAfterExit() {
        return ended.copy().completeOnTimeout(null, OUTPUT_AFTER_EXIT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Completes when the instance prints a line on stdout that begins with {@value #SERVING_PREFIX},
     * as the Java and Node runtimes do once they serve; only a hint to check readiness now (any
     * program may print such a line), never completed for one that prints none.
     */
    public CompletableFuture<Void> servingAnnounced() {
        return servingAnnounced;
    }

    /** The instance is gone: its log says so. */
    public void instanceExited() {
        instanceLog.exited();
    }

    /** Reads to the end, whatever happens to a line on its way to the log. */
    void pump(InputStream stream, Lines lines) {
        byte[] buffer = new byte[READ_BUFFER];
        try (stream) {
            for (int read; (read = stream.read(buffer)) != -1; ) {
                lines.accept(buffer, 0, read);
            }
        } catch (IOException e) {
            // the process is gone and its pipe closed; nothing more to read
        }
        lines.end();
    }

    /**
     * Cuts one stream's bytes into lines (and lines longer than {@link #MAX_LINE_BYTES} into pieces).
     * Takes bytes from one thread at a time.
     */
    public final class Lines {
        private final String stream;
        private final byte[] line = new byte[MAX_LINE_BYTES];
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private int length;

        private Lines(String stream) {
            this.stream = stream;
        }

        public void accept(byte[] bytes, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    emit(stream, line, length);
                    length = 0;
                } else {
                    if (length == MAX_LINE_BYTES) {
                        emit(stream, line, length);
                        length = 0;
                    }
                    line[length++] = b;
                }
            }
        }

        /** The stream ended: what is left is its last line. */
        public void end() {
            if (done.isDone()) {
                return;
            }
            if (length > 0) {
                emit(stream, line, length);
                length = 0;
            }
            synchronized (last) {
                reportDropped(stream);
            }
            done.complete(null);
        }
    }

    private void emit(String stream, byte[] bytes, int length) {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        add(stream, new String(bytes, 0, end, StandardCharsets.UTF_8));
    }

    void add(String stream, String line) {
        if (!servingAnnounced.isDone() && line.startsWith(SERVING_PREFIX) && stream.equals("stdout")) {
            servingAnnounced.complete(null);
        }
        instanceLog.append(stream, line);
        synchronized (last) {
            if (last.size() == KEPT_LINES) {
                last.removeFirst();
            }
            last.addLast(line.length() > MAX_KEPT_LINE_CHARS ? line.substring(0, MAX_KEPT_LINE_CHARS) + "…" : line);
            refill();
            if (budget < 1 || byteBudget < line.length()) {
                droppedSinceReport++;
                return;
            }
            budget--;
            byteBudget -= line.length();
            reportDropped(stream);
            print(stream, line);
        }
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        budget = Math.min(LOG_LINES_PER_SECOND, budget + (now - refilledNanos) * LOG_LINES_PER_SECOND / 1e9);
        byteBudget = Math.min(LOG_BYTES_PER_SECOND, byteBudget + (now - refilledNanos) * LOG_BYTES_PER_SECOND / 1e9);
        refilledNanos = now;
    }

    private void reportDropped(String stream) {
        if (droppedSinceReport > 0) {
            print(
                    stream,
                    "[" + droppedSinceReport + " lines of output not printed: over " + LOG_LINES_PER_SECOND
                            + " lines or " + LOG_BYTES_PER_SECOND / 1024 + " KiB a second]");
            droppedSinceReport = 0;
        }
    }

    private void print(String stream, String line) {
        try {
            printer.print(stream, line);
        } catch (RuntimeException e) {
            // a failing log must not stop the draining
        }
    }

    public List<String> lastLines() {
        synchronized (last) {
            return List.copyOf(last);
        }
    }
}
