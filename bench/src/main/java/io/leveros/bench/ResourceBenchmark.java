package io.leveros.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures resources (docs/resources.md) through the real platform: a bound call against a plain
 * one on the owning node, the first call of a new resource, a bound call sent to a second node
 * (one forwarding hop to the owner), and 100,000 live bindings on one data plane (binding rate,
 * heap of the data plane and the control plane, lookup cost). Latencies are one client calling in
 * a loop over kept-alive connections; the two sides of each comparison alternate (call by call on
 * one connection for bound vs plain, so both meet the same data-plane event loop; in rounds of 500
 * across two nodes) so that whatever else runs on the machine weighs on both. Prints a Markdown
 * table.
 */
public final class ResourceBenchmark {
    private static final Path TEST_SERVICE_CLASSES =
            BenchPlatform.HOME.resolve("system-tests/services/java/target/classes");
    private static final String SERVICE = "resourceBench";
    /** The same cheap method and arguments for every call, so that only the resource differs. */
    private static final String METHOD = "add";

    private static final String ARGS = "[1,2]";
    /** Calls per side in one round of an interleaved comparison. */
    private static final int ROUND = 500;

    private static final Pattern INSTANCE = Pattern.compile("\"instance\":\"([^\"]+)\"");

    private final int samples;
    private final int firstCalls;
    private final int resources;
    private final int clients;
    private final List<String> rows = new ArrayList<>();
    private BenchPlatform.Ports ports;

    private ResourceBenchmark(int samples, int firstCalls, int resources, int clients) {
        this.samples = samples;
        this.firstCalls = firstCalls;
        this.resources = resources;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int samples = 10_000;
        int firstCalls = 2_000;
        int resources = 100_000;
        int clients = 16;
        for (int i = 0; i < args.length; i++) {
            switch (i + 1 < args.length ? args[i] : "") {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--first-calls" -> firstCalls = Integer.parseInt(args[++i]);
                case "--resources" -> resources = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println(
                            "usage: bench/run --resources [--samples N] [--first-calls N] [--resources N] [--clients N]");
                    System.exit(2);
                }
            }
        }
        new ResourceBenchmark(samples, firstCalls, resources, clients).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        Path dataDir = Files.createTempDirectory("lever-bench-");
        ports = BenchPlatform.Ports.free();
        BenchPlatform platform = BenchPlatform.start(dataDir, ports);
        try {
            // One instance, so that every resource lands on it; bindings outlive the whole run.
            BenchPlatform.lever(
                    dataDir,
                    ports,
                    "deploy",
                    BenchPlatform.serviceFolder(
                                    TEST_SERVICE_CLASSES,
                                    "{\"name\": \"" + SERVICE
                                            + "\", \"javaEntry\": \"io.leveros.testservice.TestService\","
                                            + " \"maxInstances\": 1, \"resourceIdleTimeout\": \"30m\","
                                            + " \"idleTimeout\": \"30m\"}")
                            .toString());
            try (KeepAliveHttpClient plain = new KeepAliveHttpClient(ports.http(), path(""), ARGS);
                    KeepAliveHttpClient bound = new KeepAliveHttpClient(ports.http(), path("hot"), ARGS)) {
                awaitOk(plain, "the first plain call (a cold start)");
                // The control plane grants no binding for its first 6 s (the start-up hold): this waits it out.
                awaitOk(bound, "the first bound call (after the control plane's start-up hold)");
                boundVersusPlain(plain, "few bindings");
                firstCalls(bound);
                oneHop(dataDir);
                manyBindings(plain);
            }
        } finally {
            platform.stop();
        }
        System.out.println();
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        rows.forEach(System.out::println);
    }

    private static String path(String resource) {
        return "/" + SERVICE + (resource.isEmpty() ? "" : "/" + resource) + "/" + METHOD;
    }

    /** 1. The same call, plain and bound, on the node that owns the resource. */
    private void boundVersusPlain(KeepAliveHttpClient plain, String label) throws IOException {
        System.err.printf("Bound vs plain call (%s): %d samples each, alternating ...%n", label, samples);
        long[][] both = alternating(plain, plain.request(path(""), ARGS), plain.request(path("hot"), ARGS));
        rows.add(comparison(
                "bound call vs plain call on the owning node, " + label + " (`" + METHOD
                        + "(1,2)`, 1 client, alternating on one connection)",
                "plain",
                both[0],
                "bound",
                both[1]));
    }

    /** 2. The first call of a new resource on a warm instance: a bind, then NewResource, then the call. */
    private void firstCalls(KeepAliveHttpClient bound) throws IOException {
        System.err.printf("First calls of new resources: %d, interleaved with bound calls ...%n", firstCalls);
        try (KeepAliveHttpClient fresh = new KeepAliveHttpClient(ports.http(), path(""), ARGS)) {
            for (int i = 0; i < Math.min(firstCalls, 500); i++) { // warm-up
                fresh.call(path("warm-" + i), ARGS);
                bound.call();
            }
            long[] first = new long[firstCalls];
            long[] warm = new long[firstCalls];
            for (int i = 0; i < firstCalls; i++) {
                long start = System.nanoTime();
                fresh.call(path("first-" + i), ARGS);
                first[i] = System.nanoTime() - start;
                start = System.nanoTime();
                bound.call();
                warm[i] = System.nanoTime() - start;
            }
            Arrays.sort(first);
            Arrays.sort(warm);
            int opened = count(fresh.call("/" + SERVICE + "/resourceEvents", "[]"), "\"new:first-");
            rows.add(comparison(
                    "bound call vs first call of a new resource (bind + NewResource), warm instance",
                    "bound",
                    warm,
                    "first",
                    first));
            if (opened != firstCalls) {
                rows.add("| first calls: NewResource ran for | " + opened + " of " + firstCalls + " resources |");
            }
        }
    }

    /**
     * 3. A bound call sent to a second node, whose resource the first node owns (the second node
     * forwards it to the owner's forwarding port), against the same call sent to the owner.
     */
    private void oneHop(Path dataDir) throws Exception {
        System.err.println("One hop: a second node joins ...");
        try (BenchNode second = BenchNode.join(dataDir, ports, "bench-second");
                KeepAliveHttpClient onOwner = new KeepAliveHttpClient(ports.http(), path("hop"), ARGS);
                KeepAliveHttpClient viaSecond = new KeepAliveHttpClient(second.httpPort, path("hop"), ARGS)) {
            onOwner.call(); // binds "hop" on the first node
            awaitOk(viaSecond, "the first call through the second node (log: " + second.log + ")");
            String owner = instance(onOwner.call("/" + SERVICE + "/hop/whoHolds", "[]"));
            String reached = instance(viaSecond.call("/" + SERVICE + "/hop/whoHolds", "[]"));
            if (!owner.equals(reached)) {
                throw new IllegalStateException("the second node reached instance " + reached + ", not the owner's "
                        + owner + ": the calls did not take one hop to the owner");
            }
            System.err.printf("One hop: %d samples each, interleaved ...%n", samples);
            long[][] both = interleaved(onOwner, viaSecond);
            rows.add(comparison(
                    "bound call sent to the owning node vs to a second node (one forwarding hop)",
                    "owner",
                    both[0],
                    "second node",
                    both[1]));
        }
    }

    /**
     * 4. Binds {@code resources} resources on the one data plane from {@code clients} connections;
     * heap after a full GC of the data plane and the control plane before and after, CPU each
     * process spent binding, and the bound call's latency with them all live.
     */
    private void manyBindings(KeepAliveHttpClient plain) throws Exception {
        long dataPlane = JvmProbe.pidOf("io.leveros.dataplane.DataPlaneMain --port " + ports.http() + " ");
        long controlPlane = JvmProbe.pidOf("--server.port=" + ports.api());
        long instance = JvmProbe.pidWithEnv("LEVEROS_SERVICE=" + SERVICE);
        long self = ProcessHandle.current().pid();
        long dataPlaneHeap = JvmProbe.heapAfterGc(dataPlane);
        long controlPlaneHeap = JvmProbe.heapAfterGc(controlPlane);
        long dataPlaneRss = JvmProbe.rss(dataPlane);
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("data plane", dataPlane);
        pids.put("control plane", controlPlane);
        pids.put("instance", instance);
        pids.put("load generator", self);
        Map<String, Long> cpuBefore = new LinkedHashMap<>();
        pids.forEach((name, pid) -> cpuBefore.put(name, JvmProbe.cpuNanos(pid)));

        System.err.printf("Binding %d resources from %d clients ...%n", resources, clients);
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> bindFrom(next, errors, firstError)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> cpu = new LinkedHashMap<>();
        pids.forEach((name, pid) -> cpu.put(name, JvmProbe.cpuNanos(pid) - cpuBefore.get(name)));

        int opened = count(plain.call("/" + SERVICE + "/resourceEvents", "[]"), "\"new:b-");
        long dataPlaneHeapAfter = JvmProbe.heapAfterGc(dataPlane);
        long controlPlaneHeapAfter = JvmProbe.heapAfterGc(controlPlane);
        long dataPlaneRssAfter = JvmProbe.rss(dataPlane);
        rows.add(String.format(
                Locale.ROOT,
                "| binding %,d resources, %d clients (a first call each) | %.1f s, %,.0f bindings/s; NewResource ran"
                        + " for %,d; %d errors%s |",
                resources,
                clients,
                seconds,
                resources / seconds,
                opened,
                errors.get(),
                firstError.get() == null ? "" : " (first: " + firstError.get().replace('|', '/') + ")"));
        List<String> perBind = new ArrayList<>();
        cpu.forEach(
                (name, nanos) -> perBind.add(String.format(Locale.ROOT, "%s %.0f µs", name, nanos / 1e3 / resources)));
        rows.add("| CPU per binding, by process | " + String.join(", ", perBind) + " |");
        rows.add(memoryRow("data plane", dataPlaneHeap, dataPlaneHeapAfter)
                + String.format(Locale.ROOT, "; RSS %.1f → %.1f MB |", mb(dataPlaneRss), mb(dataPlaneRssAfter)));
        rows.add(memoryRow("control plane", controlPlaneHeap, controlPlaneHeapAfter) + " |");
        boundVersusPlain(
                plain,
                String.format(Locale.ROOT, "%,d bindings", resources + firstCalls + Math.min(firstCalls, 500) + 2));
    }

    private void bindFrom(AtomicInteger next, AtomicLong errors, AtomicReference<String> firstError) {
        KeepAliveHttpClient connection = null;
        try {
            for (int i = next.getAndIncrement(); i < resources; i = next.getAndIncrement()) {
                try {
                    if (connection == null) {
                        connection = new KeepAliveHttpClient(ports.http(), path(""), ARGS);
                    }
                    connection.call(path("b-" + i), ARGS);
                    if ((i + 1) % 20_000 == 0) {
                        System.err.printf("  %,d bound%n", i + 1);
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.getMessage());
                    close(connection);
                    connection = null; // the reply may be half read: start afresh
                }
            }
        } finally {
            close(connection);
        }
    }

    private String memoryRow(String process, long before, long after) {
        return String.format(
                Locale.ROOT,
                "| %s heap after a full GC, before → after %,d bindings | %.1f → %.1f MB (%+.0f bytes per binding)",
                process,
                resources,
                mb(before),
                mb(after),
                (after - before) / (double) resources);
    }

    /**
     * {@code samples} calls of each request, alternating call by call on one connection (so both
     * meet the same data-plane event loop and its timers), after a warm-up; sorted nanos.
     */
    private long[][] alternating(KeepAliveHttpClient connection, byte[] a, byte[] b) throws IOException {
        for (int i = 0; i < Math.min(samples, 2_000); i++) {
            connection.call(a);
            connection.call(b);
        }
        long[] first = new long[samples];
        long[] second = new long[samples];
        for (int i = 0; i < samples; i++) {
            boolean aFirst = i % 2 == 0;
            long start = System.nanoTime();
            connection.call(aFirst ? a : b);
            long middle = System.nanoTime();
            connection.call(aFirst ? b : a);
            long end = System.nanoTime();
            first[i] = aFirst ? middle - start : end - middle;
            second[i] = aFirst ? end - middle : middle - start;
        }
        Arrays.sort(first);
        Arrays.sort(second);
        return new long[][] {first, second};
    }

    /** {@code samples} calls on each connection after a warm-up, in alternating rounds; sorted nanos. */
    private long[][] interleaved(KeepAliveHttpClient a, KeepAliveHttpClient b) throws IOException {
        for (int i = 0; i < Math.min(samples, 2_000); i++) {
            a.call();
            b.call();
        }
        long[] first = new long[samples];
        long[] second = new long[samples];
        for (int done = 0, round = 0; done < samples; round++) {
            int n = Math.min(ROUND, samples - done);
            if (round % 2 == 0) {
                time(a, first, done, n);
                time(b, second, done, n);
            } else {
                time(b, second, done, n);
                time(a, first, done, n);
            }
            done += n;
        }
        Arrays.sort(first);
        Arrays.sort(second);
        return new long[][] {first, second};
    }

    private static void time(KeepAliveHttpClient client, long[] into, int from, int n) throws IOException {
        for (int i = from; i < from + n; i++) {
            long start = System.nanoTime();
            client.call();
            into[i] = System.nanoTime() - start;
        }
    }

    /** Calls until a call succeeds (retrying what the platform refuses while it gets ready), for 60 s at most. */
    private static void awaitOk(KeepAliveHttpClient client, String what) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.call();
                System.err.printf("%s answered after %.1f s%n", what, (System.nanoTime() - start) / 1e9);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || e.getMessage().startsWith("connection closed")) {
                    throw new IllegalStateException(what + " did not succeed within 60 s: " + e.getMessage(), e);
                }
                Thread.sleep(100); // polls a platform that is getting ready; nothing to wait on instead
            }
        }
    }

    private static String comparison(String name, String labelA, long[] a, String labelB, long[] b) {
        return String.format(
                Locale.ROOT,
                "| %s: p50 / p99 (%,d each) | %s %.3f / %.3f ms; %s %.3f / %.3f ms; added %+.3f / %+.3f ms |",
                name,
                a.length,
                labelA,
                ms(a, 50),
                ms(a, 99),
                labelB,
                ms(b, 50),
                ms(b, 99),
                ms(b, 50) - ms(a, 50),
                ms(b, 99) - ms(a, 99));
    }

    /** The {@code p}-th percentile of ascending nanoseconds, in milliseconds. */
    private static double ms(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))] / 1e6;
    }

    private static double mb(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            count++;
        }
        return count;
    }

    private static String instance(String whoHolds) {
        Matcher matcher = INSTANCE.matcher(whoHolds);
        if (!matcher.find()) {
            throw new IllegalStateException("whoHolds answered " + whoHolds);
        }
        return matcher.group(1);
    }

    private static void close(KeepAliveHttpClient connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
