package io.leveros.systemtests.cluster;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady load on a cluster: one caller per entry node, each sending one call every {@code period}
 * through that node's public API, counting every outcome. A call succeeds when it answers 200 with
 * the expected body; everything else (another status, a connection refused, a timeout) is a
 * failure, kept with when and where it happened.
 */
final class SteadyLoad implements AutoCloseable {
    private final LeverCluster cluster;
    private final List<String> entryNodes;
    private final String path;
    private final String body;
    private final String expected;
    private final Duration period;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong succeeded = new AtomicLong();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> callers = new ArrayList<>();

    record Failure(long atMillis, String node, String what) {}

    /** Counts at one moment: successes and failures so far. */
    record Tally(long succeeded, long failed) {
        Tally since(Tally earlier) {
            return new Tally(succeeded - earlier.succeeded, failed - earlier.failed);
        }

        @Override
        public String toString() {
            return succeeded + " succeeded, " + failed + " failed";
        }
    }

    private SteadyLoad(
            LeverCluster cluster, List<String> entryNodes, String path, String body, String expected, Duration period) {
        this.cluster = cluster;
        this.entryNodes = List.copyOf(entryNodes);
        this.path = path;
        this.body = body;
        this.expected = expected;
        this.period = period;
    }

    static SteadyLoad start(
            LeverCluster cluster, List<String> entryNodes, String path, String body, String expected, Duration period) {
        SteadyLoad load = new SteadyLoad(cluster, entryNodes, path, body, expected, period);
        for (String node : entryNodes) {
            Thread caller =
                    Thread.ofPlatform().daemon().name("steady-load-" + node).start(() -> load.callLoop(node));
            load.callers.add(caller);
        }
        return load;
    }

    private void callLoop(String node) {
        long next = System.nanoTime();
        while (running.get()) {
            try {
                HttpResponse<String> response = cluster.call(node, path, body);
                if (response.statusCode() == 200 && response.body().equals(expected)) {
                    succeeded.incrementAndGet();
                } else {
                    fail(node, response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                fail(node, e.toString());
            }
            next += period.toNanos();
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(sleep));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void fail(String node, String what) {
        failures.add(new Failure(System.currentTimeMillis(), node, what));
    }

    Tally tally() {
        return new Tally(succeeded.get(), failures.size());
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** The failures since {@code earlier}, for a message. */
    String failuresSince(Tally earlier) {
        List<Failure> all = failures();
        StringBuilder text = new StringBuilder();
        for (Failure f : all.subList((int) Math.min(earlier.failed(), all.size()), all.size())) {
            text.append("\n  ")
                    .append(f.atMillis())
                    .append(' ')
                    .append(f.node())
                    .append(": ")
                    .append(f.what());
        }
        return text.toString();
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread caller : callers) {
            try {
                caller.join(Duration.ofSeconds(35));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
