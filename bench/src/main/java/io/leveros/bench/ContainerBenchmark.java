package io.leveros.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instances as processes next to instances in Docker containers ({@code bench/run --containers}): the
 * instance start (the data plane's launch to ready, {@code lever_dataplane_instance_start_seconds}) of
 * the Java and the Node hello over {@code --starts} deploys, each of which starts one instance; then
 * the idle instance's memory: its resident set, and for a container the engine's shim process that
 * holds it; then how many idle containers fit ({@code --fill N}, default 96). Needs a Docker engine and the runtime images ({@code ops/images/build}).
 */
public final class ContainerBenchmark {
    private static final Pattern START_SUM =
            Pattern.compile("^lever_dataplane_instance_start_seconds_sum\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    /** How many idle instances one filling service holds (a data plane starts at most 16 of a version). */
    private static final int FILL_PER_SERVICE = 16;

    private final int starts;
    private final int fill;
    private final String imageTag;
    private final List<String> rows = new ArrayList<>();

    private ContainerBenchmark(int starts, int fill, String imageTag) {
        this.starts = starts;
        this.fill = fill;
        this.imageTag = imageTag;
    }

    public static void main(String[] args) throws Exception {
        int starts = 10;
        int fill = 96;
        String tag = "latest";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--starts" -> starts = Integer.parseInt(args[++i]);
                case "--fill" -> fill = Integer.parseInt(args[++i]);
                case "--image-tag" -> tag = args[++i];
                default -> {
                    System.err.println("usage: bench/run --containers [--starts N] [--fill N] [--image-tag TAG]");
                    System.exit(2);
                }
            }
        }
        new ContainerBenchmark(starts, fill, tag).run();
    }

    private record Hello(String label, Path folder, String env) {}

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<Hello> hellos = List.of(
                new Hello("Java", BenchPlatform.HOME.resolve("examples/java-hello"), "dev.lever"),
                new Hello("Node", BenchPlatform.HOME.resolve("examples/helloServiceJS"), "node.lever"));
        for (String runtime : List.of("process", "docker")) {
            Path dataDir = Files.createTempDirectory("lever-bench-" + runtime + "-");
            BenchPlatform.Ports ports = BenchPlatform.Ports.free();
            BenchPlatform platform = BenchPlatform.start(
                    // no warm runtimes: instances are found by their start environment, which a warm one's lacks
                    dataDir, ports, "--runtime", runtime, "--image-tag", imageTag, "--warm-runtimes", "0");
            try {
                BenchPlatform.lever(dataDir, ports, "env", "create", "node.lever");
                for (Hello hello : hellos) {
                    measureStarts(runtime, hello, dataDir, ports);
                    rows.add(String.format(
                            Locale.ROOT,
                            "| %s hello, %s: idle instance memory (RSS of the instance%s) | %s |",
                            hello.label(),
                            runtime,
                            runtime.equals("docker") ? "; of the engine's shim that holds it" : "",
                            instanceMemory(hello.env())));
                }
                if (runtime.equals("docker") && fill > 0) {
                    fillWithIdleInstances(dataDir, ports);
                }
            } finally {
                platform.stop();
            }
        }
        System.out.println();
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        rows.forEach(System.out::println);
    }

    private void measureStarts(String runtime, Hello hello, Path dataDir, BenchPlatform.Ports ports) throws Exception {
        List<Double> millis = new ArrayList<>();
        double before = startSeconds(ports, hello.env());
        for (int i = 0; i < starts; i++) {
            // each deploy starts one instance of the new version and goes live once it is ready
            BenchPlatform.lever(
                    dataDir,
                    ports,
                    "--env",
                    hello.env(),
                    "deploy",
                    hello.folder().toString());
            double after = startSeconds(ports, hello.env());
            millis.add((after - before) * 1000);
            before = after;
        }
        List<Double> sorted = millis.stream().sorted().toList();
        rows.add(String.format(
                Locale.ROOT,
                "| %s hello, %s: instance start, launch to ready (p50 / max over %d) | %.0f ms / %.0f ms |",
                hello.label(),
                runtime,
                sorted.size(),
                sorted.get(sorted.size() / 2),
                sorted.getLast()));
    }

    /**
     * Starts {@code fill} idle Node hello containers ({@code ram} 64 MB, {@code minInstances} holding them)
     * and reports what they cost the machine: its available memory before and after, per instance, and
     * how many would fit in what was available before at that cost.
     */
    private void fillWithIdleInstances(Path dataDir, BenchPlatform.Ports ports) throws Exception {
        BenchPlatform.lever(dataDir, ports, "env", "create", "fill.lever");
        long availableBefore = memAvailableKb();
        long started = System.nanoTime();
        int services = (fill + FILL_PER_SERVICE - 1) / FILL_PER_SERVICE;
        for (int i = 0; i < services; i++) {
            int instances = Math.min(FILL_PER_SERVICE, fill - i * FILL_PER_SERVICE);
            Path folder = Files.createTempDirectory(dataDir, "fill-");
            Files.copy(BenchPlatform.HOME.resolve("examples/helloServiceJS/server.js"), folder.resolve("server.js"));
            Files.writeString(
                    folder.resolve("lever.json"),
                    "{\"name\": \"fill" + i + "\", \"jsEntry\": \"server.js\", \"ram\": 64, \"minInstances\": "
                            + instances + ", \"maxInstances\": " + instances + "}");
            BenchPlatform.lever(dataDir, ports, "--env", "fill.lever", "deploy", "--no-wait", folder.toString());
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int running = 0;
        while ((running = instancesOf("fill.lever")) < fill && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(10_000); // let them settle: the runtimes' start-up garbage collected, page cache written
        long availableAfter = memAvailableKb();
        double perInstanceMb = (availableBefore - availableAfter) / 1024.0 / Math.max(1, running);
        rows.add(String.format(
                Locale.ROOT,
                "| %d idle Node hello containers (ram 64 MB): all running after; machine's available memory before"
                        + " / after; per instance; would fit in what was available | %.0f s; %.1f GB / %.1f GB; %.0f MB;"
                        + " %.0f |",
                running,
                seconds,
                availableBefore / 1024.0 / 1024.0,
                availableAfter / 1024.0 / 1024.0,
                perInstanceMb,
                availableBefore / 1024.0 / perInstanceMb));
    }

    private static int instancesOf(String env) throws IOException {
        int count = 0;
        for (Path proc : BenchPlatform.processes()) {
            try {
                String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                if (environ.contains("LEVEROS_ENVIRONMENT=" + env + "\0")) {
                    count++;
                }
            } catch (IOException e) {
                // gone, or not readable
            }
        }
        return count;
    }

    private static long memAvailableKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no MemAvailable in /proc/meminfo");
    }

    /** The data plane's total of ready instance starts of {@code env}'s helloService, in seconds. */
    private double startSeconds(BenchPlatform.Ports ports, String env) throws Exception {
        String metrics = BenchPlatform.metrics(ports.http());
        Matcher matcher = START_SUM.matcher(metrics);
        double total = 0;
        while (matcher.find()) {
            String labels = matcher.group(1);
            if (labels.contains("environment=\"" + env + "\"")
                    && labels.contains("service=\"helloService\"")
                    && labels.contains("outcome=\"ready\"")) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    /** The resident memory of {@code env}'s hello instances (and of their container shims). */
    private static String instanceMemory(String env) throws Exception {
        List<String> sizes = new ArrayList<>();
        for (Path proc : BenchPlatform.processes()) {
            try {
                String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                if (!environ.contains("LEVEROS_ENVIRONMENT=" + env + "\0")
                        || !environ.contains("LEVEROS_SERVICE=helloService\0")) {
                    continue;
                }
                String size = String.format(Locale.ROOT, "%.0f MB", status(proc, "VmRSS:") / 1024.0);
                Path parent = Path.of("/proc", Long.toString(status(proc, "PPid:")));
                String parentName = Files.readString(parent.resolve("comm")).trim();
                if (parentName.startsWith("containerd-shim")) {
                    size += String.format(Locale.ROOT, "; shim %.0f MB", status(parent, "VmRSS:") / 1024.0);
                }
                sizes.add(size);
            } catch (IOException e) {
                // gone, or not readable
            }
        }
        return sizes.isEmpty() ? "not found" : String.join(", ", sizes);
    }

    /** A number of {@code /proc/<pid>/status}, e.g. {@code VmRSS:} (kB) or {@code PPid:}; 0 when missing. */
    private static long status(Path proc, String key) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
