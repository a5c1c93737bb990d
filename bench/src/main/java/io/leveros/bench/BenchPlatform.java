package io.leveros.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real platform for a benchmark: {@code bin/lever up} on free ports, and the real CLI against it. */
final class BenchPlatform {
    static final Path HOME =
            Path.of(System.getProperty("lever.home", ".")).toAbsolutePath().normalize();

    private static final HttpClient METRICS_CLIENT = HttpClient.newHttpClient();

    /** The platform's ports. */
    record Ports(int http, int api, int grpc, int gateway, int forwarding) {
        static Ports free() {
            return new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
        }
    }

    private final Process process;
    final double secondsToReady;

    private BenchPlatform(Process process, double secondsToReady) {
        this.process = process;
        this.secondsToReady = secondsToReady;
    }

    /** Runs {@code lever up} with more options, and waits until it is ready. */
    static BenchPlatform start(Path dataDir, Ports ports, String... upOptions)
            throws IOException, InterruptedException {
        return start(HOME, dataDir, ports, upOptions);
    }

    /** Runs {@code lever up} of the checkout in {@code home} (built) with more options, and waits until it is ready. */
    static BenchPlatform start(Path home, Path dataDir, Ports ports, String... upOptions)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/lever").toString(),
                "--data-dir",
                dataDir.toString(),
                "up",
                "--port",
                String.valueOf(ports.http()),
                "--api-port",
                String.valueOf(ports.api()),
                "--grpc-port",
                String.valueOf(ports.grpc()),
                "--gateway-port",
                String.valueOf(ports.gateway()),
                "--forwarding-port",
                String.valueOf(ports.forwarding())));
        command.addAll(List.of(upOptions));
        Path log = dataDir.resolve("lever-up.log");
        System.err.println("lever up output: " + log);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long logged = Files.exists(log) ? Files.size(log) : 0;
        while (process.isAlive()) {
            String output = Files.readString(log);
            if (output.indexOf("Lever is up", (int) Math.min(logged, output.length())) >= 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.err.printf("lever up ready in %.1f s%n", seconds);
                return new BenchPlatform(process, seconds);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("lever up exited before it was ready; see " + log);
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** Runs the real CLI against the platform; fails if it does. */
    static void lever(Path dataDir, Ports ports, String... args) throws Exception {
        leverOutput(dataDir, ports, args);
    }

    /** Runs the real CLI against the platform and answers what it printed; fails if it fails. */
    static String leverOutput(Path dataDir, Ports ports, String... args) throws Exception {
        return leverOutput(HOME, dataDir, ports, args);
    }

    /** Runs the CLI of the checkout in {@code home} against the platform; fails if it fails. */
    static String leverOutput(Path home, Path dataDir, Ports ports, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/lever").toString(),
                "--data-dir",
                dataDir.toString(),
                "--api",
                "http://127.0.0.1:" + ports.api(),
                "--host",
                "127.0.0.1:" + ports.http()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("lever " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    /**
     * Starts a Java instance as the data plane would, without the platform (to compare with the
     * platform's figures), and waits until its port is open.
     */
    static Process startInstance(Path folder, String javaClass, String service, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC",
                        "-Xss512k",
                        "-cp",
                        HOME.resolve("runtimes/java/runtime/target/lib") + "/*",
                        "io.leveros.runtime.JavaRuntimeMain",
                        javaClass)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LEVEROS_PORT", String.valueOf(port));
        builder.environment().put("LEVEROS_ENVIRONMENT", "dev.lever");
        builder.environment().put("LEVEROS_SERVICE", service);
        Process instance = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepts(port)) {
            if (System.nanoTime() > deadline || !instance.isAlive()) {
                instance.destroy();
                throw new IllegalStateException("the directly started instance did not open port " + port);
            }
            Thread.sleep(10);
        }
        return instance;
    }

    /** The processes running now, as their {@code /proc/<pid>} folders (read them expecting that they end). */
    static List<Path> processes() throws IOException {
        try (var processes = Files.list(Path.of("/proc"))) {
            return processes
                    .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList();
        }
    }

    /** The data plane's Prometheus scrape ({@code GET /_lever/metrics} on its HTTP port). */
    static String metrics(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> response = METRICS_CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/_lever/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /_lever/metrics on port " + httpPort + " answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The sum of the samples named {@code name} in a {@link #metrics} scrape that carry every one of
     * {@code labels} (label, value, label, value…; other labels may differ); 0 when there is none.
     */
    static double sum(String scrape, String name, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come as label, value pairs: " + String.join(", ", labels));
        }
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                String label = labels[i] + "=\"" + labels[i + 1] + "\"";
                matches &= series.contains("{" + label) || series.contains("," + label);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A temporary service folder: {@code classes} copied from a built module, and a lever.json. */
    static Path serviceFolder(Path classes, String leverJson) throws IOException {
        Path folder = Files.createTempDirectory("lever-bench-service-");
        try (var paths = Files.walk(classes)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = folder.resolve("classes")
                        .resolve(classes.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals("lever.json")) {
                    Files.copy(source, target);
                }
            }
        }
        Files.writeString(folder.resolve("lever.json"), leverJson);
        return folder;
    }
}
