package io.leveros.bench;

import io.leveros.client.LeverClient;
import io.leveros.core.url.LeverUrl;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The data plane next to its peers (issue 18): the same unary gRPC call ({@code core.LeverRPC/HandleRPC}
 * to the Java hello's {@code sayHello}) sent by {@code h2load} directly to one instance, through the
 * data plane, and — when they are installed — through nginx {@code grpc_pass} and HAProxy in h2c mode
 * in front of that same instance. A real {@code lever up} runs the hello with one instance ({@code
 * minInstances} = {@code maxInstances} = 1); the instance's port is read from its environment, so all
 * four paths end in the same process. Each round measures every path in turn (direct, data plane,
 * nginx, HAProxy): calls/s over one connection with N concurrent streams, then p50 at a paced rate; the
 * proxy's CPU (utime + stime from {@code /proc}) during the first phase, per call, and the data plane's
 * heap allocation per call then (its JVM's {@code jvm_gc_memory_allocated_bytes_total}, read after a
 * full GC at both ends of the phase). Medians of the
 * rounds are printed, with ratios to the direct path.
 */
public final class ProxyBenchmark {
    private static final Path JAVA_HELLO_CLASSES = BenchPlatform.HOME.resolve("examples/java-hello/target/classes");
    private static final String ENVIRONMENT = "dev.lever";
    private static final String SERVICE = "helloService";
    private static final String GREETED = "bench";
    private static final String REPLY = "Hello, bench!";
    private static final String GRPC_PATH = "/core.LeverRPC/HandleRPC";

    private final int seconds;
    private final int rounds;
    private final int streams;
    private final int rate;
    private final int warmup;
    private final int connections;
    private final int eventLoops;

    private ProxyBenchmark(
            int seconds, int rounds, int streams, int rate, int warmup, int connections, int eventLoops) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.streams = streams;
        this.rate = rate;
        this.warmup = warmup;
        this.connections = connections;
        this.eventLoops = eventLoops;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        int streams = 16;
        int rate = 1000;
        int warmup = 60;
        int connections = 1;
        int eventLoops = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (i + 1 < args.length ? args[i] : "") {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--event-loops" -> eventLoops = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: bench/run --proxies [--seconds N] [--rounds N] [--streams N] [--rate N]"
                            + " [--warmup N] [--connections N] [--event-loops N]");
                    System.exit(2);
                }
            }
        }
        Path h2load;
        try {
            h2load = H2Load.find();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new ProxyBenchmark(seconds, rounds, streams, rate, warmup, connections, eventLoops).run(h2load);
        System.exit(0);
    }

    /** One way to reach the instance, and what its rounds measured. */
    private static final class Route {
        final String name;
        final int port;
        final LongSupplier proxyCpuNanos; // null: no proxy
        final LongSupplier allocatedBytes; // null: not known (only the data plane says)
        final List<Round> rounds = new ArrayList<>();

        Route(String name, int port, LongSupplier proxyCpuNanos, LongSupplier allocatedBytes) {
            this.name = name;
            this.port = port;
            this.proxyCpuNanos = proxyCpuNanos;
            this.allocatedBytes = allocatedBytes;
        }
    }

    /**
     * One round on one route: calls/s at full speed, the proxy's CPU and heap allocation per call then
     * (NaN when not known), p50 at the paced rate.
     */
    private record Round(
            double rate, double cpuMicrosPerCall, double allocatedKbPerCall, double pacedRate, double p50Millis) {}

    private void run(Path h2loadBinary) throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        // No warm runtimes: the instance is found by its start environment, which a warm runtime's lacks.
        BenchPlatform platform = BenchPlatform.start(
                dataDir, ports, "--event-loops", Integer.toString(eventLoops), "--warm-runtimes", "0");
        List<PeerProxy> proxies = new ArrayList<>();
        Thread cleanUp = new Thread(() -> {
            stopAll(proxies, platform);
            // and an h2load the main thread started meanwhile: it runs on until its --duration ends
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        });
        Runtime.getRuntime().addShutdownHook(cleanUp); // also on Ctrl-C or kill
        try {
            BenchPlatform.lever(
                    dataDir,
                    ports,
                    "deploy",
                    BenchPlatform.serviceFolder(
                                    JAVA_HELLO_CLASSES,
                                    "{\"name\": \"" + SERVICE + "\", \"javaEntry\": \"com.example.hello.HelloService\","
                                            + " \"minInstances\": 1, \"maxInstances\": 1}")
                            .toString());
            awaitAnswer(ports.http());
            long instance = JvmProbe.pidWithEnv("LEVEROS_SERVICE=" + SERVICE); // its only instance
            int instancePort = JvmProbe.instancePort(instance);
            long dataPlane = JvmProbe.pidOf("io.leveros.dataplane.DataPlaneMain --port " + ports.http() + " ");
            System.err.printf(
                    "The hello's instance: pid %d, port %d; the data plane: pid %d%n",
                    instance, instancePort, dataPlane);

            List<Route> routes = new ArrayList<>();
            routes.add(new Route("direct to the instance", instancePort, null, null));
            routes.add(new Route(
                    "Lever data plane",
                    ports.http(),
                    () -> JvmProbe.cpuNanos(dataPlane),
                    () -> allocatedBytes(dataPlane, ports.http())));
            List<String> skipped = new ArrayList<>();
            addProxy(PeerProxy.nginx(dataDir, instancePort), "nginx", proxies, routes, skipped);
            addProxy(PeerProxy.haproxy(dataDir, instancePort), "HAProxy", proxies, routes, skipped);
            skipped.forEach(System.err::println);
            for (Route route : routes) {
                check(route);
            }

            H2Load load = h2load(h2loadBinary, dataDir);
            for (Route route : routes) {
                System.err.printf("Warm-up, %s: %d s ...%n", route.name, warmup);
                load.flat(route.port, connections, streams, warmup);
            }
            for (int r = 0; r < rounds; r++) {
                for (Route route : routes) {
                    System.err.printf(
                            "Round %d of %d, %s: %d connections x %d streams, %d s; then %d calls/s, %d s ...%n",
                            r + 1, rounds, route.name, connections, streams, seconds, rate, seconds);
                    // allocation is read after a GC (not counted as the phase's CPU)
                    long allocatedBefore = route.allocatedBytes == null ? 0 : route.allocatedBytes.getAsLong();
                    long cpuBefore = route.proxyCpuNanos == null ? 0 : route.proxyCpuNanos.getAsLong();
                    H2Load.Result flat = load.flat(route.port, connections, streams, seconds);
                    long cpu = route.proxyCpuNanos == null ? 0 : route.proxyCpuNanos.getAsLong() - cpuBefore;
                    double allocatedKb = route.allocatedBytes == null
                            ? Double.NaN
                            : (route.allocatedBytes.getAsLong() - allocatedBefore) / 1024.0 / flat.calls();
                    H2Load.Result paced = load.paced(route.port, streams, rate, seconds, dataDir);
                    route.rounds.add(new Round(
                            flat.rate(),
                            cpu / 1e3 / flat.calls(),
                            allocatedKb,
                            paced.calls() / paced.seconds(),
                            paced.p50Millis()));
                }
            }
            List<String> tools = new ArrayList<>(List.of(Binaries.version(h2loadBinary, "--version")));
            proxies.forEach(proxy -> tools.add(proxy.version));
            print(started, loadAverage, String.join(", ", tools), routes, skipped);
        } finally {
            stopAll(proxies, platform);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
        }
    }

    private static void addProxy(
            Optional<PeerProxy> proxy, String name, List<PeerProxy> proxies, List<Route> routes, List<String> skipped) {
        if (proxy.isPresent()) {
            proxies.add(proxy.get());
            routes.add(new Route(proxy.get().name, proxy.get().port, proxy.get()::cpuNanos, null));
        } else {
            skipped.add(name + " is not installed, so not measured (" + PeerProxy.INSTALL + ")");
        }
    }

    /** Waits until the deployed hello answers through the data plane (its instance started, routes live). */
    private static void awaitAnswer(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (LeverClient client = LeverClient.connect("127.0.0.1:" + port)) {
            while (true) {
                try {
                    String reply = client.service(ENVIRONMENT, SERVICE).invoke(String.class, "sayHello", GREETED);
                    if (REPLY.equals(reply)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "the hello did not answer through the data plane 120 s after the deploy", e);
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    /** One call with the project's gRPC client: it checks the status trailer and decodes the reply. */
    private static void check(Route route) {
        try (LeverClient client = LeverClient.connect("127.0.0.1:" + route.port)) {
            String reply = client.service(ENVIRONMENT, SERVICE).invoke(String.class, "sayHello", GREETED);
            if (!REPLY.equals(reply)) {
                throw new IllegalStateException(route.name + " answered '" + reply + "' (expected: '" + REPLY + "')");
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    route.name + " on port " + route.port + " failed a call: " + e.getMessage(), e);
        }
    }

    /**
     * h2load sending the hello's call: a gRPC-framed {@code core.RPC} (["bench"]) in a file, and the
     * headers of a gRPC call with the absolute {@code lever-url}, which both the data plane and the
     * instance read.
     */
    private static H2Load h2load(Path binary, Path folder) throws IOException {
        byte[] message = RPC.newBuilder()
                .setArgs(JSONArray.newBuilder().addElement(JSON.newBuilder().setJsonString(GREETED)))
                .build()
                .toByteArray();
        Path body = Files.write(folder.resolve("hello-request.grpc"), grpcFrame(message));
        int replyBytes = grpcFrame(RPCReply.newBuilder()
                        .setResult(JSON.newBuilder().setJsonString(REPLY))
                        .build()
                        .toByteArray())
                .length;
        String leverUrl = new LeverUrl(ENVIRONMENT, SERVICE, "", "sayHello").toString();
        return new H2Load(
                binary,
                List.of(),
                body,
                List.of("content-type: application/grpc", "te: trailers", "lever-url: " + leverUrl),
                GRPC_PATH,
                replyBytes);
    }

    /** A gRPC length-prefixed message: not compressed, 4 bytes of length, the message. */
    private static byte[] grpcFrame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length)
                .put((byte) 0)
                .putInt(message.length)
                .put(message)
                .array();
    }

    private static void stopAll(List<PeerProxy> proxies, BenchPlatform platform) {
        for (PeerProxy proxy : proxies) {
            try {
                proxy.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        proxies.clear();
        try {
            platform.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(Instant started, String loadAverage, String tools, List<Route> routes, List<String> skipped) {
        Route direct = routes.getFirst();
        double directRate = Medians.of(direct.rounds, Round::rate);
        double directP50 = Medians.of(direct.rounds, Round::p50Millis);
        System.out.println();
        System.out.printf(
                "%s, %d cores, java %s, commit %s; load average at the start %s; %d interleaved rounds, medians;"
                        + " the data plane with --event-loops %d%n%n",
                started,
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                GitCommit.of(BenchPlatform.HOME),
                loadAverage,
                rounds,
                eventLoops);
        System.out.printf(
                "| path | calls/s (%d conn × %d streams) | added p50 at %,d calls/s | proxy CPU per call |%n",
                connections, streams, rate);
        System.out.println("|---|---|---|---|");
        for (Route route : routes) {
            double routeRate = Medians.of(route.rounds, Round::rate);
            if (route == direct) {
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | — (p50 %.2f ms) | — |%n",
                        route.name,
                        thousands(routeRate),
                        directP50);
            } else {
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s (%.2f× direct) | %+.2f ms | %.0f µs |%n",
                        route.name,
                        thousands(routeRate),
                        routeRate / directRate,
                        Medians.of(route.rounds, Round::p50Millis) - directP50,
                        Medians.of(route.rounds, Round::cpuMicrosPerCall));
            }
        }
        for (Route route : routes) {
            if (route.allocatedBytes != null) {
                System.out.printf(
                        Locale.ROOT,
                        "%nHeap allocated per call at full speed, %s: %.1f KB (rounds: %s; the JVM's"
                                + " jvm_gc_memory_allocated_bytes_total from /_lever/metrics over the phase,"
                                + " after a full GC at both ends)%n",
                        route.name,
                        Medians.of(route.rounds, Round::allocatedKbPerCall),
                        String.join(
                                " / ",
                                route.rounds.stream()
                                        .map(round -> String.format(Locale.ROOT, "%.1f", round.allocatedKbPerCall()))
                                        .toList()));
            }
        }
        skipped.forEach(line -> System.out.println("\n" + line));
        System.out.println();
        System.out.println("Each round, in order:");
        System.out.println();
        System.out.println("| path | calls/s | proxy CPU per call | p50 at the paced rate (calls/s reached) |");
        System.out.println("|---|---|---|---|");
        for (Route route : routes) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %s |%n",
                    route.name,
                    String.join(
                            " / ",
                            route.rounds.stream()
                                    .map(round -> String.format(Locale.ROOT, "%.0f", round.rate()))
                                    .toList()),
                    route == direct
                            ? "—"
                            : String.join(
                                    " / ",
                                    route.rounds.stream()
                                            .map(round ->
                                                    String.format(Locale.ROOT, "%.0f µs", round.cpuMicrosPerCall()))
                                            .toList()),
                    String.join(
                            " / ",
                            route.rounds.stream()
                                    .map(round -> String.format(
                                            Locale.ROOT, "%.2f ms (%.0f)", round.p50Millis(), round.pacedRate()))
                                    .toList()));
        }
    }

    /**
     * The bytes the data plane's JVM has allocated on its heap so far ({@code
     * jvm_gc_memory_allocated_bytes_total}), read right after a full GC. The JVM counts them at each
     * collection, what the young generation held; without one, a phase would be measured only to within
     * the young generation's size. The count changes once the JVM has told its GC listeners, on a thread
     * of its own; a data plane that allocated nothing since its last collection is read after 2 s.
     */
    private static long allocatedBytes(long pid, int httpPort) {
        try {
            long before = allocatedBytesCounted(httpPort);
            JvmProbe.collect(pid);
            long deadline = System.nanoTime() + 2_000_000_000L;
            long counted = allocatedBytesCounted(httpPort);
            while (counted == before && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
                counted = allocatedBytesCounted(httpPort);
            }
            return counted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("reading the data plane's (pid " + pid + ") allocation failed: " + e, e);
        }
    }

    private static long allocatedBytesCounted(int httpPort) throws IOException, InterruptedException {
        String allocated = "jvm_gc_memory_allocated_bytes_total";
        String scrape = BenchPlatform.metrics(httpPort);
        if (scrape.lines().noneMatch(line -> line.startsWith(allocated))) {
            throw new IllegalStateException("the data plane's metrics have no " + allocated);
        }
        return (long) BenchPlatform.sum(scrape, allocated);
    }

    private static String thousands(double rate) {
        return String.format(Locale.ROOT, "%.1fk", rate / 1e3);
    }
}
