package io.leveros.dataplane.instance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads an instance's stdout and stderr line by line on one virtual thread per stream (never an
 * event loop), prints each line as {@code <prefix> <line>} to the log sink, and keeps the last
 * lines for error messages (e.g. why an instance could not start).
 */
public final class OutputCapture {
    /** How many lines are kept for error messages. */
    public static final int KEPT_LINES = 20;

    private final String prefix;
    private final Consumer<String> sink;
    private final ArrayDeque<String> last = new ArrayDeque<>(KEPT_LINES);
    private CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);

    public OutputCapture(String prefix, Consumer<String> sink) {
        this.prefix = prefix;
        this.sink = sink;
    }

    /** Follows a stream until it ends. Call before {@link #ended()}. */
    public void follow(InputStream stream, String name) {
        CompletableFuture<Void> pumped = new CompletableFuture<>();
        Thread.ofVirtual().name(prefix + " " + name).start(() -> {
            pump(stream);
            pumped.complete(null);
        });
        ended = CompletableFuture.allOf(ended, pumped);
    }

    /** Completes when every followed stream has been read to its end. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    private void pump(InputStream stream) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                add(line);
            }
        } catch (IOException e) {
            // the process is gone and its pipe closed; nothing more to read
        }
    }

    void add(String line) {
        synchronized (last) {
            if (last.size() == KEPT_LINES) {
                last.removeFirst();
            }
            last.addLast(line);
        }
        sink.accept(prefix + " " + line);
    }

    public List<String> lastLines() {
        synchronized (last) {
            return List.copyOf(last);
        }
    }
}
