package io.leveros.systemtests;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The real platform, started the way a user starts it: {@code bin/lever up} as a separate process,
 * on free ports, with its own data folder. Also runs the real CLI against it.
 */
public final class LeverPlatform implements AutoCloseable {
    public static final Path HOME =
            Path.of(System.getProperty("lever.home", "..")).toAbsolutePath().normalize();
    public static final Path LEVER = HOME.resolve("bin/lever");
    private static final int FIRST_TEST_PORT = 20_000;
    private static final int TEST_PORTS = 12_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final int httpPort;
    private final int apiPort;
    private final int grpcPort;
    private final int gatewayPort;
    private final int forwardingPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private Process up;

    private LeverPlatform(Path dataDir, Path log) {
        this.dataDir = dataDir;
        this.log = log;
        this.httpPort = freePort();
        this.apiPort = freePort();
        this.grpcPort = freePort();
        this.gatewayPort = freePort();
        this.forwardingPort = freePort();
    }

    /** Starts a platform on a new data folder under {@code target/}, with more {@code lever up} options. */
    public static LeverPlatform start(String name, String... upOptions) {
        LeverPlatform platform = new LeverPlatform(newDataDir(name), log(name));
        platform.launch(false, upOptions);
        return platform;
    }

    /** Starts a platform on a new data folder with {@code lever up}'s own warm runtimes, as a user gets them. */
    public static LeverPlatform startWithDefaultWarmRuntimes(String name) {
        LeverPlatform platform = new LeverPlatform(newDataDir(name), log(name));
        platform.launch(true);
        return platform;
    }

    private static Path newDataDir(String name) {
        try {
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a platform on an existing data folder (e.g. after a restart), with more {@code lever up} options. */
    public static LeverPlatform startOn(Path dataDir, String name, String... upOptions) {
        LeverPlatform platform = new LeverPlatform(dataDir, log(name));
        platform.launch(false, upOptions);
        return platform;
    }

    private static Path log(String name) {
        return Path.of("target", name + "-" + System.nanoTime() + ".log").toAbsolutePath();
    }

    private void launch(boolean defaultWarmRuntimes, String... upOptions) {
        List<String> command = new ArrayList<>(List.of(
                LEVER.toString(),
                "--data-dir",
                dataDir.toString(),
                "up",
                "--port",
                String.valueOf(httpPort),
                "--api-port",
                String.valueOf(apiPort),
                "--grpc-port",
                String.valueOf(grpcPort),
                "--gateway-port",
                String.valueOf(gatewayPort),
                "--forwarding-port",
                String.valueOf(forwardingPort)));
        if (!defaultWarmRuntimes && !List.of(upOptions).contains("--warm-runtimes")) {
            // Instances start cold unless a test asks for warm runtimes (WarmRuntimesIT): the tests find
            // an instance's process by the environment it was started with, which a warm one gets later.
            command.addAll(List.of("--warm-runtimes", "0"));
        }
        command.addAll(List.of(upOptions));
        try {
            up = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await("lever up ready (log: " + log + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .failFast("lever up exited", () -> !up.isAlive())
                .until(() -> logText().contains("Lever is up"));
    }

    public Path dataDir() {
        return dataDir;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The control plane's gRPC port, which data planes connect to. */
    /** The internal gateway's port (loopback). */
    public int gatewayPort() {
        return gatewayPort;
    }

    /** The port other nodes forward calls to. */
    public int forwardingPort() {
        return forwardingPort;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int apiPort() {
        return apiPort;
    }

    public String httpAddress() {
        return "127.0.0.1:" + httpPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs the real {@code lever} command against this platform. */
    public CliResult lever(String... args) {
        return leverWithInput(null, args);
    }

    /** Runs {@code lever} with {@code stdin} as its standard input. */
    public CliResult leverWithInput(byte[] stdin, String... args) {
        List<String> options =
                new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--api", apiUrl(), "--host", httpAddress()));
        options.addAll(List.of(args));
        return runLever(options, stdin);
    }

    /**
     * Starts the real {@code lever} command against this platform without waiting for it (for verbs that
     * run until stopped, like {@code lever dev}); its stdout and stderr go to {@code output}.
     */
    public Process startLever(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                LEVER.toString(), "--data-dir", dataDir.toString(), "--api", apiUrl(), "--host", httpAddress()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(key -> key.startsWith("LEVEROS_"));
        return builder.start();
    }

    /**
     * Runs the real {@code lever} command with {@code arguments} (and {@code stdin}, or none), without the
     * caller's {@code LEVEROS_*} settings; waits at most 2 minutes.
     */
    public static CliResult runLever(List<String> arguments, byte[] stdin) {
        List<String> command = new ArrayList<>(List.of(LEVER.toString()));
        command.addAll(arguments);
        try {
            Path out = Files.createTempFile("lever-out", ".txt");
            Path err = Files.createTempFile("lever-err", ".txt");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("LEVEROS_"));
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("lever " + String.join(" ", arguments) + " did not finish in 2 minutes");
            }
            CliResult result = new CliResult(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POSTs to the data plane's HTTP API. */
    public HttpResponse<byte[]> post(
            String pathAndQuery, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + httpAddress() + pathAndQuery))
                .timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<byte[]> postJson(String pathAndQuery, String jsonBody) {
        return post(pathAndQuery, "application/json", jsonBody.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** GETs a control plane REST resource under {@code /api/v1}, with the root token (every call needs one). */
    public String api(String path) {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(apiUrl() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token())
                .GET()
                .build());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The data plane's Prometheus scrape ({@code GET /_lever/metrics}). */
    public String dataPlaneMetrics() {
        return get("http://" + httpAddress() + "/_lever/metrics");
    }

    /** The control plane's Prometheus scrape ({@code GET /actuator/prometheus}, which needs a read token). */
    public String controlPlaneMetrics() {
        return get(apiUrl() + "/actuator/prometheus", "Bearer " + token());
    }

    private String get(String url) {
        return get(url, null);
    }

    private String get(String url, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = send(request.build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + ": " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    public String token() {
        try {
            return Files.readString(dataDir.resolve("token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The control plane's process. */
    public long controlPlanePid() {
        List<Long> pids = InstanceProcesses.withArguments("--server.port=" + apiPort);
        if (pids.size() != 1) {
            throw new AssertionError("expected one control plane on port " + apiPort + ", found " + pids);
        }
        return pids.get(0);
    }

    /** The data plane's process. */
    public long dataPlanePid() {
        List<Long> pids = InstanceProcesses.withArguments(
                "io.leveros.dataplane.DataPlaneMain", "--port", String.valueOf(httpPort));
        if (pids.size() != 1) {
            throw new AssertionError("expected one data plane on port " + httpPort + ", found " + pids);
        }
        return pids.get(0);
    }

    /** PIDs of the instance processes this platform runs (found by their environment). */
    public List<Long> instancePids() {
        return InstanceProcesses.withEnv("LEVEROS_INTERNAL_RPC_GATEWAY=127.0.0.1:" + gatewayPort);
    }

    /** Stops the platform like Ctrl-C would (SIGTERM to {@code lever up}) and waits for it. */
    @Override
    public void close() {
        if (up == null || !up.isAlive()) {
            return;
        }
        up.destroy();
        try {
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
                throw new AssertionError("lever up did not stop within 60 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A port nothing listens on, for a process to bind later: below the kernel's ephemeral range
     * (32768 and up), so that no outgoing connection made meanwhile can take it as its local port (a
     * port the kernel handed out, {@code new ServerSocket(0)}, sometimes was by the time the data
     * plane bound it: "Address already in use"), and never the same one twice in a test run.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST_TEST_PORT + ThreadLocalRandom.current().nextInt(TEST_PORTS);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_TEST_PORT + "-" + (FIRST_TEST_PORT + TEST_PORTS));
    }

    /** What a {@code lever} command did. */
    public record CliResult(int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout() + "\nstderr: " + stderr;
        }
    }
}
