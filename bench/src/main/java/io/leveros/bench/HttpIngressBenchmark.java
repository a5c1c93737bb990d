package io.leveros.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API's ingress over HTTP/1.1 (issue 18, item 5): {@code POST /helloService/sayHello} with the
 * JSON body {@code ["bench"]}, sent by {@code h2load --h1} on kept-alive connections to the data plane
 * of a real {@code lever up}, which turns it into a gRPC call to the Java hello's one instance ({@code
 * minInstances} = {@code maxInstances} = 1) and its reply into JSON. With {@code --baseline DIR} (a
 * built checkout of an earlier commit) the same load also goes to that checkout's {@code lever up},
 * both platforms up at once and measured in interleaved rounds, so the two are compared side by side in
 * one run. Each round: calls/s as fast as the data plane answers, with the data plane's CPU (utime +
 * stime of its JVM, all threads) per call; then a paced rate on one connection, with its p50 and CPU per
 * call again. Medians of the rounds are printed, and the ratios of this checkout to the baseline.
 */
public final class HttpIngressBenchmark {
    private static final Path JAVA_HELLO_CLASSES = BenchPlatform.HOME.resolve("examples/java-hello/target/classes");
    private static final String SERVICE = "helloService";
    private static final String PATH = "/" + SERVICE + "/sayHello";
    private static final String BODY = "[\"bench\"]";
    private static final String REPLY_JSON = "\"Hello, bench!\"";

    private final int seconds;
    private final int rounds;
    private final int connections;
    private final int rate;
    private final int warmup;

    private HttpIngressBenchmark(int seconds, int rounds, int connections, int rate, int warmup) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.connections = connections;
        this.rate = rate;
        this.warmup = warmup;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        int connections = 16;
        int rate = 1000;
        int warmup = 30;
        Path baseline = null;
        for (int i = 0; i < args.length; i++) {
            switch (i + 1 < args.length ? args[i] : "") {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--baseline" ->
                    baseline = Path.of(args[++i]).toAbsolutePath().normalize();
                default -> {
                    System.err.println("usage: bench/run --http-ingress [--baseline DIR] [--seconds N] [--rounds N]"
                            + " [--connections N] [--rate N] [--warmup N]");
                    System.exit(2);
                }
            }
        }
        if (baseline != null && !isBuiltCheckout(baseline)) {
            System.err.println("--baseline " + baseline + " is not a built Lever checkout (expected bin/lever and the"
                    + " modules' target/lib folders). Build it with package, not install, which would put its older"
                    + " modules into ~/.m2 under this checkout's version: git worktree add ../base <commit> && cd"
                    + " ../base && ./mvnw -B package -DskipTests");
            System.exit(2);
        }
        Path h2load;
        try {
            h2load = H2Load.find();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new HttpIngressBenchmark(seconds, rounds, connections, rate, warmup).run(h2load, baseline);
        System.exit(0);
    }

    /** Whether {@code checkout} has its CLI and is built (its {@code bin/lever} would build it with install). */
    private static boolean isBuiltCheckout(Path checkout) {
        return Files.isExecutable(checkout.resolve("bin/lever"))
                && Files.isDirectory(checkout.resolve("cli/target/lib"))
                && Files.isDirectory(checkout.resolve("data-plane/target/lib"))
                && Files.isDirectory(checkout.resolve("runtimes/java/runtime/target/lib"))
                && Files.isRegularFile(checkout.resolve("control-plane/target/lever-control-plane.jar"));
    }

    /** One checkout's platform with the hello deployed, and what its rounds measured. */
    private static final class Side {
        final String name;
        final Path home;
        final Path dataDir;
        final BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        final List<Round> rounds = new ArrayList<>();
        BenchPlatform platform;
        long dataPlane;

        Side(String name, Path home) throws Exception {
            this.name = name + " (" + GitCommit.of(home) + ")";
            this.home = home;
            this.dataDir = Files.createTempDirectory("lever-bench-");
        }

        void start() throws Exception {
            platform = BenchPlatform.start(home, dataDir, ports);
            BenchPlatform.leverOutput(
                    home,
                    dataDir,
                    ports,
                    "deploy",
                    BenchPlatform.serviceFolder(
                                    JAVA_HELLO_CLASSES,
                                    "{\"name\": \"" + SERVICE + "\", \"javaEntry\": \"com.example.hello.HelloService\","
                                            + " \"minInstances\": 1, \"maxInstances\": 1}")
                            .toString());
            awaitAnswer();
            dataPlane = JvmProbe.pidOf("io.leveros.dataplane.DataPlaneMain --port " + ports.http() + " ");
            System.err.printf("%s: the data plane is pid %d, on port %d%n", name, dataPlane, ports.http());
        }

        /** Waits until the hello answers the benchmark's call (its instance started, the route live). */
        private void awaitAnswer() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String last = "";
            while (System.nanoTime() < deadline) {
                try (KeepAliveHttpClient client = new KeepAliveHttpClient(ports.http(), PATH, BODY)) {
                    last = client.call(PATH, BODY);
                    if (last.equals(REPLY_JSON)) {
                        return;
                    }
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(
                    name + ": the hello did not answer " + REPLY_JSON + " 120 s after the deploy; last: " + last);
        }

        void stop() {
            try {
                if (platform != null) {
                    platform.stop();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One round on one side: calls/s at full speed and CPU per call then; p50 and CPU per call when paced. */
    private record Round(double rate, double cpuMicrosPerCall, double pacedRate, double p50Millis, double pacedCpu) {}

    private void run(Path h2loadBinary, Path baseline) throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
        List<Side> sides = new ArrayList<>();
        if (baseline != null) {
            sides.add(new Side("baseline", baseline));
        }
        sides.add(new Side("this checkout", BenchPlatform.HOME));
        Thread cleanUp = new Thread(() -> {
            sides.forEach(Side::stop);
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy); // a running h2load
        });
        Runtime.getRuntime().addShutdownHook(cleanUp); // also on Ctrl-C or kill
        try {
            for (Side side : sides) {
                side.start();
            }
            Path body = Files.writeString(sides.getFirst().dataDir.resolve("hello-request.json"), BODY);
            H2Load load = new H2Load(
                    h2loadBinary,
                    List.of("--h1"),
                    body,
                    List.of("content-type: application/json"),
                    PATH,
                    REPLY_JSON.getBytes(StandardCharsets.UTF_8).length);
            for (Side side : sides) {
                System.err.printf("Warm-up, %s: %d s ...%n", side.name, warmup);
                load.flat(side.ports.http(), connections, 1, warmup);
            }
            for (int r = 0; r < rounds; r++) {
                for (Side side : sides) {
                    System.err.printf(
                            "Round %d of %d, %s: %d connections, %d s; then %d calls/s on one, %d s ...%n",
                            r + 1, rounds, side.name, connections, seconds, rate, seconds);
                    long cpuBefore = JvmProbe.cpuNanos(side.dataPlane);
                    H2Load.Result flat = load.flat(side.ports.http(), connections, 1, seconds);
                    long cpuFlat = JvmProbe.cpuNanos(side.dataPlane) - cpuBefore;
                    long cpuBeforePaced = JvmProbe.cpuNanos(side.dataPlane);
                    H2Load.Result paced = load.paced(side.ports.http(), 1, rate, seconds, side.dataDir);
                    long cpuPaced = JvmProbe.cpuNanos(side.dataPlane) - cpuBeforePaced;
                    side.rounds.add(new Round(
                            flat.rate(),
                            cpuFlat / 1e3 / flat.calls(),
                            paced.calls() / paced.seconds(),
                            paced.p50Millis(),
                            cpuPaced / 1e3 / paced.calls()));
                }
            }
            print(started, loadAverage, Binaries.version(h2loadBinary, "--version"), sides);
        } finally {
            sides.forEach(Side::stop);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
        }
    }

    private void print(Instant started, String loadAverage, String h2load, List<Side> sides) {
        System.out.println();
        System.out.printf(
                "%s, %d cores, java %s, %s; load average at the start %s; %d interleaved rounds, medians%n%n",
                started, Runtime.getRuntime().availableProcessors(), Runtime.version(), h2load, loadAverage, rounds);
        System.out.printf(
                "| data plane | calls/s (%d HTTP/1.1 connections) | data-plane CPU per call | p50 at %,d calls/s"
                        + " (1 connection) | CPU per call at %,d calls/s |%n",
                connections, rate, rate);
        System.out.println("|---|---|---|---|---|");
        for (Side side : sides) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.1f µs | %.2f ms | %.1f µs |%n",
                    side.name,
                    Medians.of(side.rounds, Round::rate),
                    Medians.of(side.rounds, Round::cpuMicrosPerCall),
                    Medians.of(side.rounds, Round::p50Millis),
                    Medians.of(side.rounds, Round::pacedCpu));
        }
        if (sides.size() == 2) {
            Side baseline = sides.getFirst();
            Side current = sides.getLast();
            System.out.printf(
                    Locale.ROOT,
                    "%nThis checkout to the baseline: %.2f× the calls/s; %.2f× the calls per data-plane CPU second at"
                            + " full speed, %.2f× at %,d calls/s%n",
                    Medians.of(current.rounds, Round::rate) / Medians.of(baseline.rounds, Round::rate),
                    Medians.of(baseline.rounds, Round::cpuMicrosPerCall)
                            / Medians.of(current.rounds, Round::cpuMicrosPerCall),
                    Medians.of(baseline.rounds, Round::pacedCpu) / Medians.of(current.rounds, Round::pacedCpu),
                    rate);
        }
        System.out.println();
        System.out.println("Each round, in order (calls/s, CPU per call; paced: p50, calls/s reached, CPU per call):");
        System.out.println();
        for (Side side : sides) {
            System.out.println("- " + side.name + ": "
                    + String.join(
                            "; ",
                            side.rounds.stream()
                                    .map(round -> String.format(
                                            Locale.ROOT,
                                            "%.0f, %.1f µs; %.2f ms, %.0f, %.1f µs",
                                            round.rate(),
                                            round.cpuMicrosPerCall(),
                                            round.p50Millis(),
                                            round.pacedRate(),
                                            round.pacedCpu()))
                                    .toList()));
        }
    }
}
