package io.leveros.systemtests.cluster;

import static org.awaitility.Awaitility.await;

import io.leveros.systemtests.LeverPlatform;
import io.leveros.systemtests.LeverPlatform.CliResult;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real cluster on one machine: Redis, control planes and data planes, each on its own host (a
 * network namespace with its own address, {@link NetworkHosts}) with its own data folder, started
 * the way an operator starts them (the built jars, the documented options). Nodes join with a
 * cluster join token and fetch code from the control planes; nothing is shared on disk.
 */
public final class LeverCluster implements AutoCloseable {
    static final int REDIS_PORT = 6379;
    static final int API_PORT = 8090;
    static final int GRPC_PORT = 8091;
    static final int HTTP_PORT = 8080;

    private final NetworkHosts network;
    private final Path folder;
    private final HostProcess redis;
    private final List<HostProcess> controlPlanes = new ArrayList<>();
    private final List<HostProcess> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private String token;

    private LeverCluster(NetworkHosts network, Path folder) {
        this.network = network;
        this.folder = folder;
        String store = network.addHost("store");
        this.redis = new HostProcess(
                "redis",
                network.command(
                        "store",
                        List.of(
                                "redis-server",
                                "--bind",
                                store,
                                "--port",
                                String.valueOf(REDIS_PORT),
                                "--dir",
                                dir("redis").toString(),
                                "--appendonly",
                                "yes",
                                "--appendfsync",
                                "always",
                                "--save",
                                "",
                                "--protected-mode",
                                "no")),
                folder.resolve("redis.log"));
    }

    /** Starts Redis, {@code controlPlanes} control planes and {@code nodes} data planes, and waits until all are up. */
    public static LeverCluster start(String name, int controlPlanes, int nodes) {
        Path folder;
        try {
            folder = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NetworkHosts network = NetworkHosts.create();
        LeverCluster cluster = new LeverCluster(network, folder);
        try {
            cluster.redis.start();
            cluster.awaitRedis();
            for (int i = 1; i <= controlPlanes; i++) {
                cluster.controlPlanes.add(cluster.controlPlaneProcess("cp" + i).start());
            }
            for (HostProcess cp : cluster.controlPlanes) {
                cluster.awaitControlPlane(cp);
            }
            cluster.token = cluster.readRootToken();
            String joinToken = cluster.createJoinToken();
            for (int i = 1; i <= nodes; i++) {
                cluster.nodes.add(cluster.nodeProcess("n" + i, joinToken).start());
            }
            for (HostProcess node : cluster.nodes) {
                cluster.awaitNode(node);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(folder.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HostProcess controlPlaneProcess(String host) {
        String address = network.addHost(host);
        List<String> argv = List.of(
                java(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                LeverPlatform.HOME
                        .resolve("control-plane/target/lever-control-plane.jar")
                        .toString(),
                "--lever.data-dir=" + dir(host),
                "--lever.store=redis://" + network.address("store") + ":" + REDIS_PORT,
                "--server.address=" + address,
                "--server.port=" + API_PORT,
                "--spring.grpc.server.host=" + address,
                "--spring.grpc.server.port=" + GRPC_PORT,
                "--lever.scaling.scale-down-delay=10s");
        return new HostProcess(host, network.command(host, argv), folder.resolve(host + ".log"));
    }

    private HostProcess nodeProcess(String host, String joinToken) {
        String address = network.addHost(host);
        Path joinTokenFile = dir(host).resolve("join-token");
        try {
            Files.writeString(joinTokenFile, joinToken);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String controlPlaneList = controlPlanes.stream()
                .map(cp -> network.address(cp.name()) + ":" + GRPC_PORT)
                .collect(Collectors.joining(","));
        List<String> argv = List.of(
                java(),
                "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                LeverPlatform.HOME.resolve("data-plane/target/lib") + "/*",
                "io.leveros.dataplane.DataPlaneMain",
                "--port",
                String.valueOf(HTTP_PORT),
                "--forwarding-host",
                address,
                "--control-plane",
                controlPlaneList,
                "--node-id",
                host,
                "--data-dir",
                dir(host).resolve("data").toString(),
                "--join-token-file",
                joinTokenFile.toString(),
                "--java-runtime-lib",
                LeverPlatform.HOME.resolve("runtimes/java/runtime/target/lib").toString(),
                "--node-runtime",
                LeverPlatform.HOME.resolve("runtimes/node").toString(),
                // Nodes of 4 GiB each, not three of the whole machine: each keeps 1 warm runtime of
                // each kind at rest (3 after a burst), not 5 (10): 6 where there were 30 on 2 cores.
                "--memory-capacity",
                "4g");
        return new HostProcess(host, network.command(host, argv), folder.resolve(host + ".log"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitRedis() {
        await("redis answers (" + redis + ")")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .failFast("redis exited", () -> !redis.isAlive())
                .until(() -> redisCli("PING").contains("PONG"));
    }

    /** Runs {@code redis-cli} against the cluster's Redis; its output, or "" if it failed. */
    public String redisCli(String... args) {
        List<String> argv = new ArrayList<>(
                List.of("redis-cli", "-h", network.address("store"), "-p", String.valueOf(REDIS_PORT), "--no-raw"));
        argv.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    void awaitControlPlane(HostProcess cp) {
        await("control plane " + cp + " ready")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the control plane exited", () -> !cp.isAlive())
                .until(() -> get(controlPlaneUrl(cp.name()) + "/actuator/health", null)
                        .contains("\"UP\""));
    }

    void awaitNode(HostProcess node) {
        await("node " + node + " ready")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .failFast("the data plane exited", () -> !node.isAlive())
                .until(() -> get("http://" + nodeAddress(node.name()) + "/_lever/health", null)
                        .contains("\"status\":\"UP\""));
    }

    private String readRootToken() {
        Path file = folder.resolve(controlPlanes.getFirst().name()).resolve("token");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the first control plane wrote no root token at " + file, e);
        }
    }

    /** A join token, as an operator makes one ({@code lever nodes join-token}). */
    private String createJoinToken() {
        CliResult made = lever("nodes", "join-token");
        if (made.exitCode() != 0 || !made.stdout().strip().startsWith("lvj_")) {
            throw new AssertionError("lever nodes join-token: " + made);
        }
        return made.stdout().strip();
    }

    public String controlPlaneUrl(String host) {
        return "http://" + network.address(host) + ":" + API_PORT;
    }

    /** host:port of a node's public HTTP API. */
    public String nodeAddress(String host) {
        return network.address(host) + ":" + HTTP_PORT;
    }

    public List<String> nodeNames() {
        return nodes.stream().map(HostProcess::name).toList();
    }

    public List<String> controlPlaneNames() {
        return controlPlanes.stream().map(HostProcess::name).toList();
    }

    public HostProcess process(String name) {
        if (name.equals("redis")) {
            return redis;
        }
        return concat().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name));
    }

    private List<HostProcess> concat() {
        List<HostProcess> all = new ArrayList<>(controlPlanes);
        all.addAll(nodes);
        return all;
    }

    /** SIGKILL of a control plane, a data plane (and its instances) or Redis. */
    public void kill(String name) {
        process(name).kill();
    }

    /** Starts a killed or stopped process again and waits until it is ready. */
    public void restart(String name) {
        HostProcess process = process(name);
        process.start();
        if (process == redis) {
            awaitRedis();
        } else if (controlPlanes.contains(process)) {
            awaitControlPlane(process);
        } else {
            awaitNode(process);
        }
    }

    public NetworkHosts network() {
        return network;
    }

    public String token() {
        return token;
    }

    /** The first control plane that answers. */
    public String liveControlPlaneUrl() {
        for (HostProcess cp : controlPlanes) {
            if (cp.isAlive()
                    && get(controlPlaneUrl(cp.name()) + "/actuator/health", null)
                            .contains("\"UP\"")) {
                return controlPlaneUrl(cp.name());
            }
        }
        throw new AssertionError("no control plane answers");
    }

    /** Runs the real {@code lever} CLI against the first control plane that answers. */
    public CliResult lever(String... args) {
        List<String> arguments = new ArrayList<>(List.of(
                "--data-dir",
                folder.resolve("cli").toString(),
                "--api",
                liveControlPlaneUrl(),
                "--host",
                nodeAddressOrLocal()));
        if (token != null) {
            arguments.addAll(List.of("--token", token));
        }
        arguments.addAll(List.of(args));
        return LeverPlatform.runLever(arguments, null);
    }

    private String nodeAddressOrLocal() {
        return nodes.isEmpty()
                ? "127.0.0.1:" + HTTP_PORT
                : nodeAddress(nodes.getFirst().name());
    }

    /** A node's {@code /_lever/health} answer (what it serves, which peers serve what), or "". */
    public String health(String node) {
        return get("http://" + nodeAddress(node) + "/_lever/health", null);
    }

    /** GETs a REST resource under {@code /api/v1} of one control plane; "" if it does not answer. */
    public String api(String controlPlane, String path) {
        return get(controlPlaneUrl(controlPlane) + "/api/v1" + path, "Bearer " + token);
    }

    /** POSTs a JSON call to a node's HTTP API (30 s timeout); an {@code IOException} when the node does not answer. */
    public HttpResponse<String> call(String node, String path, String jsonBody) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + nodeAddress(node) + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String get(String url, String authorization) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() {
        nodes.forEach(HostProcess::stop);
        controlPlanes.forEach(HostProcess::stop);
        redis.stop();
        network.close();
    }
}
