package io.leveros.bench;

import io.leveros.client.LeverClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures what users feel on this machine: time from {@code lever up} to ready, the first call after
 * a deploy of the Java and Node hello services (their instance started before the version went live:
 * a cold start from zero is {@code bench/run --scaling}), warm latency and throughput through the data plane (HTTP and gRPC) and
 * directly to an instance. Prints a Markdown table; see docs/benchmarks.md.
 */
public final class PlatformBenchmark {
    /** Instances are found by their start environment (memory), which a warm runtime's lacks. */
    private static final String[] NO_WARM_RUNTIMES = {"--warm-runtimes", "0"};

    private static final Path HOME = BenchPlatform.HOME;
    private static final Path HELLO = HOME.resolve("examples/java-hello");
    private static final Path NODE_HELLO = HOME.resolve("examples/helloServiceJS");
    private static final Pattern REVISION = Pattern.compile("\"routes\"\\s*:\\s*(\\d+)");

    private final int seconds;
    private final int clients;
    private final int coldStarts;
    private final List<String> rows = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private PlatformBenchmark(int seconds, int clients, int coldStarts) {
        this.seconds = seconds;
        this.clients = clients;
        this.coldStarts = coldStarts;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int clients = 16;
        int cold = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--cold" -> cold = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: bench/run [--seconds N] [--clients N] [--cold N]");
                    System.exit(2);
                }
            }
        }
        new PlatformBenchmark(seconds, clients, cold).run();
    }

    private void run() throws Exception {
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());

        List<Double> upTimes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            BenchPlatform platform = BenchPlatform.start(dataDir, ports, NO_WARM_RUNTIMES);
            upTimes.add(platform.secondsToReady);
            platform.stop();
        }
        List<Double> restarts =
                upTimes.subList(1, upTimes.size()).stream().sorted().toList();
        rows.add(String.format(
                Locale.ROOT,
                "| `lever up` to ready: first start on a new data folder; restarts p50 (all, sorted) | %.1f s; %.1f s (%s s) |",
                upTimes.getFirst(),
                percentile(restarts, 50),
                String.join(
                        " / ",
                        restarts.stream()
                                .map(t -> String.format(Locale.ROOT, "%.1f", t))
                                .toList())));

        BenchPlatform platform = BenchPlatform.start(dataDir, ports, NO_WARM_RUNTIMES);
        try {
            BenchPlatform.lever(dataDir, ports, "env", "create", "node.lever");
            for (Hello hello :
                    List.of(new Hello("Java", HELLO, "dev.lever"), new Hello("Node", NODE_HELLO, "node.lever"))) {
                measureFirstCallsAfterDeploy(dataDir, ports, hello);
                ThreadLocal<KeepAliveHttpClient> connection = ThreadLocal.withInitial(() -> {
                    try {
                        return new KeepAliveHttpClient(
                                ports.http(), "/helloService/sayHello?forceenv=" + hello.env(), "[\"bench\"]");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                rows.add(load("HTTP through the data plane, " + hello.label() + " hello", () -> {
                            connection.get().call();
                            return null;
                        })
                        .row());
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s hello instance memory (RSS) after the load | %s |",
                        hello.label(),
                        instanceRss(hello.env())));
            }
            try (LeverClient client = LeverClient.connect("127.0.0.1:" + ports.http())) {
                var hello = client.service("dev.lever", "helloService");
                rows.add(load(
                                "gRPC (Java SDK) through the data plane",
                                () -> hello.invoke(String.class, "sayHello", "bench"))
                        .row());
            }
            rows.add(directToInstance().row());
        } finally {
            platform.stop();
        }
        System.out.println();
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        rows.forEach(System.out::println);
    }

    /** A hello service to measure: the Java example, or the original Node one. */
    private record Hello(String label, Path folder, String env) {}

    private void measureFirstCallsAfterDeploy(Path dataDir, BenchPlatform.Ports ports, Hello hello) throws Exception {
        List<Double> firstCall = new ArrayList<>();
        String url = "http://127.0.0.1:" + ports.http() + "/helloService/sayHello?forceenv=" + hello.env();
        for (int i = 0; i < coldStarts; i++) {
            long revision = routesRevision(ports);
            BenchPlatform.lever(
                    dataDir,
                    ports,
                    "--env",
                    hello.env(),
                    "deploy",
                    hello.folder().toString());
            // The new version is live once the data plane has the new routing snapshot.
            while (routesRevision(ports) == revision) {
                Thread.sleep(5); // poll gently: this runs just before the timed call
            }
            long start = System.nanoTime();
            String body = httpCall(url);
            firstCall.add((System.nanoTime() - start) / 1e6);
            if (!body.contains("Hello")) {
                throw new IllegalStateException("the first call answered " + body);
            }
        }
        List<Double> sorted = firstCall.stream().sorted().toList();
        rows.add(String.format(
                Locale.ROOT,
                "| first call after a deploy, %s hello (started before going live; p50 / p99 / max over %d) | %.0f ms / %.0f ms / %.0f ms |",
                hello.label(),
                sorted.size(),
                percentile(sorted, 50),
                percentile(sorted, 99),
                sorted.getLast()));
    }

    private Result directToInstance() throws Exception {
        int port = BenchPlatform.freePort();
        Process instance = BenchPlatform.startInstance(HELLO, "com.example.hello.HelloService", "helloService", port);
        try {
            try (LeverClient client = LeverClient.connect("127.0.0.1:" + port)) {
                var hello = client.service("dev.lever", "helloService");
                return load(
                        "gRPC (Java SDK) directly to the instance",
                        () -> hello.invoke(String.class, "sayHello", "bench"));
            }
        } finally {
            instance.destroy();
            instance.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private interface Call {
        Object call() throws Exception;
    }

    private record Result(String name, int clients, double seconds, long[] latenciesNanos, long errors) {
        String row() {
            double p50 = latenciesNanos[(int) (latenciesNanos.length * 0.50)] / 1e6;
            double p99 =
                    latenciesNanos[Math.min(latenciesNanos.length - 1, (int) (latenciesNanos.length * 0.99))] / 1e6;
            return String.format(
                    Locale.ROOT,
                    "| warm, %s, %d clients: p50 / p99 latency, throughput | %.2f ms / %.2f ms, %.0f calls/s (%d errors) |",
                    name,
                    clients,
                    p50,
                    p99,
                    latenciesNanos.length / seconds,
                    errors);
        }
    }

    /** Runs {@code clients} threads calling in a loop: a warm-up, then {@code seconds} measured. */
    private Result load(String name, Call call) throws Exception {
        System.err.printf("Load: %s, %d clients, %d s (+5 s warm-up) ...%n", name, clients, seconds);
        run(call, 5);
        List<long[]> perThread = run(call, seconds);
        int total = perThread.stream().mapToInt(a -> (int) a[0]).sum();
        long errors = perThread.stream().mapToLong(a -> a[1]).sum();
        long[] all = new long[total];
        int at = 0;
        for (long[] thread : perThread) {
            System.arraycopy(thread, 2, all, at, (int) thread[0]);
            at += (int) thread[0];
        }
        java.util.Arrays.sort(all);
        return new Result(name, clients, seconds, all, errors);
    }

    /** Each thread's result: [count, errors, latency...]. */
    private List<long[]> run(Call call, int durationSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
        List<long[]> results = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long[] own = new long[2 + 1_000_000];
            results.add(own);
            Thread.ofPlatform().start(() -> {
                try {
                    while (System.nanoTime() < end && own[0] < own.length - 2) {
                        long start = System.nanoTime();
                        try {
                            call.call();
                            own[2 + (int) own[0]++] = System.nanoTime() - start;
                        } catch (Exception e) {
                            own[1]++;
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        return results;
    }

    private String httpCall(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[\"bench\"]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private long routesRevision(BenchPlatform.Ports ports) throws IOException, InterruptedException {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.http() + "/_lever/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher matcher = REVISION.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Resident memory of the instances of helloService in {@code env}, found by their environment. */
    private static String instanceRss(String env) throws IOException {
        List<String> sizes = new ArrayList<>();
        for (Path proc : BenchPlatform.processes()) {
            try {
                String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                if (environ.contains("LEVEROS_ENVIRONMENT=" + env + "\0")
                        && environ.contains("LEVEROS_SERVICE=helloService\0")) {
                    for (String line : Files.readAllLines(proc.resolve("status"))) {
                        if (line.startsWith("VmRSS:")) {
                            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            sizes.add(String.format(Locale.ROOT, "%.0f MB", kb / 1024.0));
                        }
                    }
                }
            } catch (IOException e) {
                // gone, or not ours
            }
        }
        return sizes.isEmpty() ? "no instance found" : String.join(", ", sizes);
    }

    /** The {@code p}-th percentile of an ascending list. */
    static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
