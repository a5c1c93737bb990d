package io.leveros.systemtests;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second node joining a running {@link LeverPlatform}: a real data plane process
 * ({@code DataPlaneMain}, as an operator starts one on another machine) with its own ports and node
 * id, connected to the platform's control plane.
 */
final class SecondNode implements AutoCloseable {
    private final Process process;
    private final List<String> command;
    private final int httpPort;
    private final int gatewayPort;
    private final Path dataDir;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private SecondNode(Process process, List<String> command, int httpPort, int gatewayPort, Path dataDir, Path log) {
        this.process = process;
        this.command = command;
        this.httpPort = httpPort;
        this.gatewayPort = gatewayPort;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * Joins a node with its own, new data dir (in {@code target/}, never the platform's). It offers
     * instances 2 GiB, less than the first node (the machine's memory), so the autoscaler places a
     * version's first instances, started before the version takes calls, on the first node.
     */
    static SecondNode join(LeverPlatform platform, String nodeId) {
        int httpPort = LeverPlatform.freePort();
        int gatewayPort = LeverPlatform.freePort();
        Path log = Path.of("target", nodeId + "-" + System.nanoTime() + ".log").toAbsolutePath();
        Path dataDir = log.resolveSibling(log.getFileName() + ".data");
        Path credential = joinCredential(platform, nodeId, log.resolveSibling(log.getFileName() + ".credential"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                LeverPlatform.HOME.resolve("data-plane/target/lib") + "/*",
                "io.leveros.dataplane.DataPlaneMain",
                "--port",
                String.valueOf(httpPort),
                "--gateway-port",
                String.valueOf(gatewayPort),
                "--forwarding-port",
                String.valueOf(LeverPlatform.freePort()),
                "--control-plane",
                "127.0.0.1:" + platform.grpcPort(),
                "--node-id",
                nodeId,
                "--memory-capacity",
                "2g",
                "--node-credential-file",
                credential.toString(),
                "--data-dir",
                dataDir.toString(),
                "--java-runtime-lib",
                LeverPlatform.HOME.resolve("runtimes/java/runtime/target/lib").toString(),
                "--node-runtime",
                LeverPlatform.HOME.resolve("runtimes/node").toString(),
                // as LeverPlatform: the tests find instances by the environment they were started with
                "--warm-runtimes",
                "0");
        return launch(command, httpPort, gatewayPort, dataDir, log);
    }

    /**
     * Starts this node's data plane again, with the same ports, data dir and credential, once this one
     * is {@link #close closed}: no control plane needs to answer.
     */
    SecondNode restart() {
        return launch(command, httpPort, gatewayPort, dataDir, log);
    }

    private static SecondNode launch(List<String> command, int httpPort, int gatewayPort, Path dataDir, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            SecondNode node = new SecondNode(process, command, httpPort, gatewayPort, dataDir, log);
            await("node ready (log: " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the data plane exited", () -> !process.isAlive())
                    .until(() -> node.health().contains("\"status\":\"UP\""));
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issues the node's credential as an operator joining it would ({@code lever nodes credential}). */
    private static Path joinCredential(LeverPlatform platform, String nodeId, Path file) {
        LeverPlatform.CliResult issued = platform.lever("nodes", "credential", nodeId);
        if (issued.exitCode() != 0 || !issued.stdout().startsWith("lvn1.")) {
            throw new AssertionError("lever nodes credential " + nodeId + ": " + issued);
        }
        try {
            Files.writeString(file, issued.stdout());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data plane's {@code /_lever/health} answer, or "" while it does not answer. */
    String health() {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/_lever/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    int httpPort() {
        return httpPort;
    }

    /** The node's own data dir ({@code --data-dir}). */
    Path dataDir() {
        return dataDir;
    }

    /** The data plane's command line. */
    List<String> command() {
        return command;
    }

    String httpAddress() {
        return "127.0.0.1:" + httpPort;
    }

    /** The instance processes this node runs (found by their internal gateway). */
    List<Long> instancePids() {
        return InstanceProcesses.withEnv("LEVEROS_INTERNAL_RPC_GATEWAY=127.0.0.1:" + gatewayPort);
    }

    /** The instance processes of {@code service} this node runs. */
    List<Long> instancePidsOf(String service) {
        List<Long> ofService = InstanceProcesses.withEnv("LEVEROS_SERVICE=" + service);
        return instancePids().stream().filter(ofService::contains).toList();
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
