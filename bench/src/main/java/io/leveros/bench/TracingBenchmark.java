package io.leveros.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's throughput with tracing off and on in the same run (issue 17): two nodes join a
 * real platform, started alike except that one has {@code --otlp-endpoint} pointing at an {@link
 * OtlpSink} in this process. The Java hello runs one instance on every node ({@code minInstances} =
 * {@code maxInstances} = the node count), so each node serves its calls from its own instance, and
 * the same closed-loop load (N clients, each a {@link KeepAliveHttpClient} sending {@code
 * traceparent} on every call) goes to one node at a time in interleaved rounds: off, on, off, on …
 * Calls forwarded between nodes are read from each node's {@code /_lever/metrics} and printed.
 */
public final class TracingBenchmark {
    private static final Path JAVA_HELLO_CLASSES = BenchPlatform.HOME.resolve("examples/java-hello/target/classes");
    private static final String PATH = "/helloService/sayHello";
    private static final String ARGS = "[\"bench\"]";

    private final int seconds;
    private final int rounds;
    private final int clients;
    private final int warmup;

    private TracingBenchmark(int seconds, int rounds, int clients, int warmup) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.clients = clients;
        this.warmup = warmup;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        int clients = 16;
        int warmup = 30;
        for (int i = 0; i < args.length; i++) {
            switch (i + 1 < args.length ? args[i] : "") {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println(
                            "usage: bench/run --tracing [--seconds N] [--rounds N] [--clients N] [--warmup N]");
                    System.exit(2);
                }
            }
        }
        new TracingBenchmark(seconds, rounds, clients, warmup).run();
        System.exit(0);
    }

    /** One node under test and what its rounds measured. */
    private static final class Mode {
        final String name;
        final BenchNode node;
        final List<KeepAliveHttpClient> connections = new ArrayList<>();
        final List<Round> rounds = new ArrayList<>();
        long calls; // all calls sent to the node, warm-up included

        Mode(String name, BenchNode node) {
            this.name = name;
            this.node = node;
        }
    }

    /**
     * One round on one node: its calls' latencies (sorted), the CPU the node's data plane and this
     * process spent, and the calls the other nodes answered for it meanwhile (forwarded).
     */
    record Round(
            double seconds,
            long[] latencies,
            long errors,
            long dataPlaneCpu,
            long benchCpu,
            long sinkCpu,
            long servedElsewhere) {
        double rate() {
            return latencies.length / seconds;
        }

        Round servedElsewhere(long calls) {
            return new Round(seconds, latencies, errors, dataPlaneCpu, benchCpu, sinkCpu, calls);
        }
    }

    private void run() throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        BenchPlatform platform = BenchPlatform.start(dataDir, ports);
        try (OtlpSink sink = OtlpSink.start();
                BenchNode off = BenchNode.join(dataDir, ports, "bench-tracing-off", List.of());
                BenchNode on = BenchNode.join(
                        dataDir, ports, "bench-tracing-on", List.of("--otlp-endpoint", sink.endpoint()))) {
            awaitNodes(dataDir, ports, List.of("bench-tracing-off", "bench-tracing-on"));
            BenchPlatform.lever(
                    dataDir,
                    ports,
                    "deploy",
                    BenchPlatform.serviceFolder(
                                    JAVA_HELLO_CLASSES,
                                    "{\"name\": \"helloService\", \"javaEntry\": \"com.example.hello.HelloService\","
                                            + " \"minInstances\": 3, \"maxInstances\": 3}")
                            .toString());
            List<Integer> allPorts = List.of(ports.http(), off.httpPort, on.httpPort);
            Mode offMode = new Mode("off", off);
            Mode onMode = new Mode("on", on);
            for (Mode mode : List.of(offMode, onMode)) {
                awaitReadyInstance(mode.node);
                for (int c = 0; c < clients; c++) {
                    mode.connections.add(new KeepAliveHttpClient(mode.node.httpPort, PATH, ARGS));
                }
            }
            for (int w = 0; w < 2; w++) { // interleaved too: the machine's load drifts
                for (Mode mode : List.of(offMode, onMode)) {
                    System.err.printf(
                            "Warm-up %d of 2, tracing %s: %d clients, %d s ...%n",
                            w + 1, mode.name, clients, warmup / 2);
                    mode.calls += load(mode, warmup / 2, sink).latencies().length;
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (Mode mode : List.of(offMode, onMode)) {
                    System.err.printf(
                            "Round %d of %d, tracing %s: %d clients, %d s ...%n",
                            r + 1, rounds, mode.name, clients, seconds);
                    Map<Integer, Long> forwardedBefore = forwardedCalls(allPorts);
                    Round round = load(mode, seconds, sink);
                    long elsewhere = 0;
                    Map<Integer, Long> forwardedAfter = forwardedCalls(allPorts);
                    for (int port : allPorts) {
                        if (port != mode.node.httpPort) {
                            elsewhere += forwardedAfter.get(port) - forwardedBefore.get(port);
                        }
                    }
                    mode.calls += round.latencies().length;
                    mode.rounds.add(round.servedElsewhere(elsewhere));
                }
            }
            long spans = awaitSpans(sink);
            long calledOn = publicCalls(on.httpPort);
            new TracingReport(offMode.rounds, onMode.rounds)
                    .print(started, loadAverage, clients, seconds, warmup, spans, onMode.calls, calledOn, sink);
            for (Mode mode : List.of(offMode, onMode)) {
                for (KeepAliveHttpClient connection : mode.connections) {
                    connection.close();
                }
            }
        } finally {
            platform.stop();
        }
    }

    /**
     * {@code clients} threads, each calling in a loop on its own connection for {@code duration}
     * seconds, with a {@code traceparent} of its own trace on every call (in both modes).
     */
    private Round load(Mode mode, int duration, OtlpSink sink) throws InterruptedException, IOException {
        long self = ProcessHandle.current().pid();
        long dataPlaneBefore = JvmProbe.cpuNanos(mode.node.pid());
        long benchBefore = JvmProbe.cpuNanos(self);
        long sinkBefore = sink.cpuNanos();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        List<long[]> latencies = new ArrayList<>();
        long[] counts = new long[mode.connections.size()];
        long[] errors = new long[mode.connections.size()];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < mode.connections.size(); c++) {
            int client = c;
            KeepAliveHttpClient connection = mode.connections.get(c);
            latencies.add(new long[1 << 16]);
            byte[] request = connection.request(PATH, ARGS, "traceparent: " + traceparent() + "\r\n");
            threads.add(Thread.ofPlatform().start(() -> {
                long[] own = latencies.get(client);
                int n = 0;
                while (System.nanoTime() < end) {
                    long callStart = System.nanoTime();
                    try {
                        connection.call(request);
                    } catch (IOException e) {
                        errors[client]++;
                        continue;
                    }
                    if (n == own.length) {
                        own = Arrays.copyOf(own, own.length * 2);
                    }
                    own[n++] = System.nanoTime() - callStart;
                }
                latencies.set(client, own);
                counts[client] = n;
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long dataPlaneCpu = JvmProbe.cpuNanos(mode.node.pid()) - dataPlaneBefore;
        long benchCpu = JvmProbe.cpuNanos(self) - benchBefore;
        long sinkCpu = sink.cpuNanos() - sinkBefore;
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < counts.length; c++) {
            System.arraycopy(latencies.get(c), 0, all, at, (int) counts[c]);
            at += (int) counts[c];
        }
        Arrays.sort(all);
        return new Round(elapsed, all, Arrays.stream(errors).sum(), dataPlaneCpu, benchCpu, sinkCpu, 0);
    }

    private static String traceparent() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        ThreadLocalRandom.current().nextBytes(trace);
        ThreadLocalRandom.current().nextBytes(span);
        trace[0] |= 1; // never all zero
        span[0] |= 1;
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }

    /** Waits until {@code lever nodes} lists every node, so the deploy places an instance on each. */
    private static void awaitNodes(Path dataDir, BenchPlatform.Ports ports, List<String> nodeIds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String listed = BenchPlatform.leverOutput(dataDir, ports, "nodes");
            if (nodeIds.stream().allMatch(listed::contains)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("lever nodes did not list " + nodeIds + " after 60 s: " + listed);
            }
            Thread.sleep(500);
        }
    }

    /** Waits until the node's metrics show a ready instance of the hello (its own, placed by minInstances). */
    private static void awaitReadyInstance(BenchNode node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (readyInstances(node.httpPort) < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node on port " + node.httpPort
                        + " has no ready helloService instance 120 s after the deploy (expected: 1, placed by"
                        + " minInstances); see " + node.log);
            }
            Thread.sleep(200);
        }
    }

    private static double readyInstances(int port) throws IOException, InterruptedException {
        return BenchPlatform.sum(
                BenchPlatform.metrics(port), "lever_dataplane_instances", "service", "helloService", "state", "ready");
    }

    /** Calls of the hello each node answered for another node (ingress {@code forwarded}), by port. */
    private static Map<Integer, Long> forwardedCalls(List<Integer> ports) throws IOException, InterruptedException {
        Map<Integer, Long> forwarded = new TreeMap<>();
        for (int port : ports) {
            forwarded.put(port, calls(port, "forwarded"));
        }
        return forwarded;
    }

    private static long publicCalls(int port) throws IOException, InterruptedException {
        return calls(port, "public");
    }

    /** The node's count of answered hello calls that came in through {@code ingress}. */
    private static long calls(int port, String ingress) throws IOException, InterruptedException {
        return (long) BenchPlatform.sum(
                BenchPlatform.metrics(port),
                "lever_dataplane_call_duration_seconds_count",
                "service",
                "helloService",
                "ingress",
                ingress);
    }

    /** Waits until no span has arrived for 3 s (the exporter sends at least every second), then answers the count. */
    private static long awaitSpans(OtlpSink sink) throws InterruptedException {
        long spans = sink.spans();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
            Thread.sleep(200);
            long now = sink.spans();
            if (now != spans) {
                spans = now;
                quietSince = System.nanoTime();
            }
        }
        return spans;
    }
}
