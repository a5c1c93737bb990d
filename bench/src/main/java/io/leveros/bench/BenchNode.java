package io.leveros.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second node joining a running {@link BenchPlatform}: a real data plane process ({@code
 * DataPlaneMain}, as an operator starts one on another machine) with its own ports and node id,
 * admitted with a credential issued by {@code lever nodes credential}.
 */
final class BenchNode implements AutoCloseable {
    private final Process process;
    final int httpPort;
    final Path log;

    private BenchNode(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Starts the node's data plane and waits until its port is open. */
    static BenchNode join(Path dataDir, BenchPlatform.Ports ports, String nodeId) throws Exception {
        return join(dataDir, ports, nodeId, List.of());
    }

    /**
     * Starts the node's data plane with more {@code DataPlaneMain} options (e.g. {@code
     * --otlp-endpoint URL}) and waits until its port is open.
     */
    static BenchNode join(Path dataDir, BenchPlatform.Ports ports, String nodeId, List<String> dataPlaneOptions)
            throws Exception {
        String issued = BenchPlatform.leverOutput(dataDir, ports, "nodes", "credential", nodeId);
        String credential = issued.lines()
                .filter(line -> line.startsWith("lvn1."))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "lever nodes credential " + nodeId + " printed no lvn1. credential: " + issued));
        Path credentialFile = Files.writeString(dataDir.resolve(nodeId + ".credential"), credential);
        int httpPort = BenchPlatform.freePort();
        Path log = dataDir.resolve(nodeId + ".log");
        System.err.println("node " + nodeId + " output: " + log);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", // as lever up starts its data plane
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                BenchPlatform.HOME.resolve("data-plane/target/lib") + "/*",
                "io.leveros.dataplane.DataPlaneMain",
                "--port",
                String.valueOf(httpPort),
                "--gateway-port",
                String.valueOf(BenchPlatform.freePort()),
                "--forwarding-port",
                String.valueOf(BenchPlatform.freePort()),
                "--control-plane",
                "127.0.0.1:" + ports.grpc(),
                "--node-id",
                nodeId,
                "--node-credential-file",
                credentialFile.toString(),
                // its own state in this run's folder: one kept from an earlier run (the default,
                // ~/.lever-node/<node id>) holds that run's last routes, and the node ignored the new
                // control plane's targets
                "--data-dir",
                dataDir.resolve("node-" + nodeId).toString(),
                "--java-runtime-lib",
                BenchPlatform.HOME.resolve("runtimes/java/runtime/target/lib").toString()));
        command.addAll(dataPlaneOptions);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!BenchPlatform.accepts(httpPort)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                process.destroy();
                throw new IllegalStateException("node " + nodeId + " did not open port " + httpPort + "; see " + log);
            }
            Thread.sleep(50);
        }
        return new BenchNode(process, httpPort, log);
    }

    /** The pid of the node's data plane process. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
