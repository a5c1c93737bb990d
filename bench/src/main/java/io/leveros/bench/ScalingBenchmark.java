package io.leveros.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the autoscaler and cold starts through the real platform (docs/scaling.md): cold start
 * of 10 services at once (Java, then Node), and the reaction time from a step in load to a new
 * instance serving calls. Services go back to zero between rounds by their 2 s idleTimeout, and each
 * cold start (or ten at once) waits until the data plane's warm runtimes (docs/data-plane.md) are all
 * back. Ten at once are reported for the first round apart from the rest: by default the data plane
 * keeps more warm runtimes for a while after a burst larger than it keeps at rest. Prints a Markdown
 * table.
 */
public final class ScalingBenchmark {
    private static final Path TEST_SERVICE_CLASSES =
            BenchPlatform.HOME.resolve("system-tests/services/java/target/classes");
    private static final Path NODE_HELLO = BenchPlatform.HOME.resolve("examples/helloServiceJS");
    private static final Path JAVA_HELLO_CLASSES = BenchPlatform.HOME.resolve("examples/java-hello/target/classes");
    private static final int AT_ONCE = 10;
    /** What the data plane logs of the warm runtimes it keeps (by default, as many as its memory allows). */
    private static final Pattern KEEPING = Pattern.compile("keeping (\\d+) warm runtime");

    private final int rounds;
    /** {@code lever up --warm-runtimes}, or {@code null} for its default. */
    private final String warmRuntimes;
    /** How many the data plane keeps of each kind at rest. */
    private int keptWarm;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final List<String> rows = new ArrayList<>();
    private BenchPlatform.Ports ports;

    private ScalingBenchmark(int rounds, String warmRuntimes) {
        this.rounds = rounds;
        this.warmRuntimes = warmRuntimes;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 10;
        String warmRuntimes = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds") && i + 1 < args.length) {
                rounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--warm-runtimes") && i + 1 < args.length) {
                warmRuntimes = String.valueOf(Integer.parseInt(args[++i]));
            } else {
                System.err.println("usage: bench/run --scaling [--rounds N] [--warm-runtimes N]");
                System.exit(2);
            }
        }
        new ScalingBenchmark(rounds, warmRuntimes).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        Path dataDir = Files.createTempDirectory("lever-bench-");
        ports = BenchPlatform.Ports.free();
        BenchPlatform platform = warmRuntimes == null
                ? BenchPlatform.start(dataDir, ports)
                : BenchPlatform.start(dataDir, ports, "--warm-runtimes", warmRuntimes);
        Matcher keeping = KEEPING.matcher(Files.readString(dataDir.resolve("lever-up.log")));
        keptWarm = keeping.find() ? Integer.parseInt(keeping.group(1)) : 0;
        System.err.printf(
                "Warm runtimes: %d of each kind%s%n", keptWarm, warmRuntimes == null ? " (the default here)" : "");
        try {
            List<String> java = new ArrayList<>();
            List<String> node = new ArrayList<>();
            System.err.printf("Deploying %d Java and %d Node services ...%n", AT_ONCE, AT_ONCE);
            for (int i = 0; i < AT_ONCE; i++) {
                java.add(deploy(
                        dataDir,
                        BenchPlatform.serviceFolder(
                                JAVA_HELLO_CLASSES,
                                leverJson("coldJava" + i, "\"javaEntry\": \"com.example.hello.HelloService\""))));
                node.add(deploy(dataDir, nodeFolder(leverJson("coldNode" + i, "\"jsEntry\": \"server.js\""))));
            }
            coldStarts("Java hello", java);
            coldStarts("Node hello", node);
            reactionTime(deploy(
                    dataDir,
                    BenchPlatform.serviceFolder(
                            TEST_SERVICE_CLASSES,
                            leverJson(
                                    "stepService",
                                    "\"javaEntry\": \"io.leveros.testservice.TestService\", \"maxInstanceLoad\": 1,"
                                            + " \"scaleDownDelay\": \"1s\""))));
        } finally {
            platform.stop();
            clients.shutdownNow();
        }
        System.out.println();
        System.out.println("| measure | p50 | p99 | samples |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static String leverJson(String name, String entry) {
        return "{\"name\": \"" + name + "\", " + entry + ", \"idleTimeout\": \"2s\"}";
    }

    private String deploy(Path dataDir, Path folder) throws Exception {
        BenchPlatform.lever(dataDir, ports, "deploy", folder.toString());
        String json = Files.readString(folder.resolve("lever.json"));
        Matcher name = Pattern.compile("\"name\": \"([^\"]+)\"").matcher(json);
        name.find();
        return name.group(1);
    }

    private static Path nodeFolder(String leverJson) throws IOException {
        Path folder = Files.createTempDirectory("lever-bench-service-");
        Files.copy(NODE_HELLO.resolve("server.js"), folder.resolve("server.js"));
        Files.writeString(folder.resolve("lever.json"), leverJson);
        return folder;
    }

    /** Rounds of one call to each of the cold services at the same moment; each call's time. */
    private void coldStarts(String label, List<String> services) throws Exception {
        System.err.printf("Cold starts: %s, %d at once, %d rounds ...%n", label, services.size(), rounds);
        List<Double> alone = new ArrayList<>();
        List<Double> firstTogether = new ArrayList<>();
        List<Double> together = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            awaitZero(services);
            awaitWarmRuntimes();
            long start = System.nanoTime();
            post("/" + services.getFirst() + "/sayHello", "[\"bench\"]");
            alone.add((System.nanoTime() - start) / 1e6);
            awaitZero(services);
            awaitWarmRuntimes();
            List<CompletableFuture<Double>> calls = new ArrayList<>();
            for (String service : services) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            long begin = System.nanoTime();
                            post("/" + service + "/sayHello", "[\"bench\"]");
                            return (System.nanoTime() - begin) / 1e6;
                        },
                        clients));
            }
            for (CompletableFuture<Double> call : calls) {
                (round == 0 ? firstTogether : together).add(call.get());
            }
        }
        rows.add(row("cold start, " + label + ", one alone (first call, ms)", alone));
        String atOnce = "cold start, " + label + ", " + services.size() + " services at once (each first call, ms)";
        rows.add(row(atOnce.replace("at once", "at once, first round"), firstTogether));
        if (!together.isEmpty()) {
            rows.add(row(atOnce.replace("at once", "at once, later rounds"), together));
        }
    }

    /**
     * One client calls {@code slow(50)} until one instance serves; then 4 clients at once
     * (maxInstanceLoad 1): the time until a call is answered by an instance not seen before.
     */
    private void reactionTime(String service) throws Exception {
        System.err.printf("Scale-up reaction: 1 -> 4 clients, %d rounds ...%n", rounds);
        List<Double> reactions = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            awaitZero(List.of(service));
            Set<String> seen = new HashSet<>();
            seen.add(post("/" + service + "/slow", "[50]")); // the cold start: one instance
            for (int i = 0; i < 10; i++) {
                seen.add(post("/" + service + "/slow", "[50]"));
            }
            AtomicBoolean running = new AtomicBoolean(true);
            CompletableFuture<Double> newInstance = new CompletableFuture<>();
            long step = System.nanoTime();
            List<CompletableFuture<Void>> load = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                load.add(CompletableFuture.runAsync(
                        () -> {
                            while (running.get()) {
                                String id = post("/" + service + "/slow", "[50]");
                                if (!seen.contains(id)) {
                                    newInstance.complete((System.nanoTime() - step) / 1e6);
                                }
                            }
                        },
                        clients));
            }
            reactions.add(newInstance.get());
            running.set(false);
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get();
        }
        rows.add(row(
                "scale-up reaction, 1 -> 4 clients at maxInstanceLoad 1: step to a new instance's first answer (ms)",
                reactions));
    }

    /**
     * Waits until none of the services has an instance, draining ones included (their idle timeout
     * is 2 s), so that no stopping JVM competes with the next cold start for the cores.
     */
    private void awaitZero(List<String> services) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String service : services) {
            while (running(service) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(service + " did not go back to zero instances within 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Waits (at most 60 s) until the data plane has as many trained idle warm runtimes of each kind as
     * it keeps now: the cold starts then measure a platform at rest, not one still replacing the
     * runtimes the previous round took (of either kind: replacements training take CPU from any cold start).
     */
    private void awaitWarmRuntimes() throws Exception {
        if (keptWarm == 0) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String scrape = BenchPlatform.metrics(ports.http());
            if (allBack(scrape, "java") && allBack(scrape, "node")) {
                return;
            }
            Thread.sleep(100);
        }
        System.err.println("  (the warm runtimes were not all back within 60 s)");
    }

    private boolean allBack(String scrape, String entry) {
        double kept =
                Math.max(keptWarm, BenchPlatform.sum(scrape, "lever_dataplane_warm_runtimes_kept", "entry", entry));
        return BenchPlatform.sum(scrape, "lever_dataplane_warm_runtimes", "entry", entry) >= kept;
    }

    /**
     * The service's instances the data plane has now, draining ones included. (The control plane's list
     * learns of a new instance from the next load report, so right after a first call it may show none.)
     */
    private int running(String service) throws Exception {
        return (int)
                BenchPlatform.sum(BenchPlatform.metrics(ports.http()), "lever_dataplane_instances", "service", service);
    }

    private String post(String path, String json) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.http() + path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String row(String name, List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        return String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %d |",
                name,
                PlatformBenchmark.percentile(sorted, 50),
                PlatformBenchmark.percentile(sorted, 99),
                sorted.size());
    }
}
