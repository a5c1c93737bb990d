package io.leveros.cli.platform;

import io.leveros.cli.CliException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform on this machine: a control plane and a data plane as child processes, on
 * embedded defaults, with a data folder on local disk.
 */
public final class LocalPlatform {
    /** How long components may take to become ready. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private static final String CONTROL_PLANE = "control plane";
    private static final String DATA_PLANE = "data plane";
    /** The node id of the one data plane of `lever up`. */
    /**
     * The whole platform on this machine ({@code lever up} without {@code --join}): its node's name, and
     * the address its control plane (REST, gRPC) and forwarding port listen on: 127.0.0.1 on a laptop,
     * the machine's cluster address for a control plane other nodes join.
     */
    public record Local(String nodeId, String host) {
        public static final Local LAPTOP = new Local("local", "127.0.0.1");
    }

    private final LeverHome home;
    private final Ports ports;
    private final Path dataDir;
    /** The running components, replaced in place when one is restarted; guarded by {@code this}. */
    private final List<ChildProcess> children = new ArrayList<>();

    private volatile boolean stopping;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Timeouts timeouts;
    /** The control plane's {@code lever.store}: {@code file} or {@code redis://host:port[/db]}. */
    private final String store;

    /**
     * The ports the platform listens on, and how the data plane serves its own.
     *
     * @param maxConnections connections each of the data plane's ports takes at once (its {@code
     *     --max-connections}); 0 for the data plane's default
     * @param eventLoops the data plane's {@code --event-loops}; 0 for its default
     */
    public record Ports(int http, int api, int grpc, int gateway, int forwarding, int maxConnections, int eventLoops) {}

    /**
     * Durations ({@code 30s}, {@code 10m}) handed to the planes.
     *
     * @param streamIdle the data plane's {@code --stream-idle-timeout}
     * @param request the data plane's {@code --request-timeout}
     * @param header the data plane's {@code --header-timeout}
     * @param scaleDownDelay the autoscaler's default {@code lever.scaling.scale-down-delay}
     * @param idle the autoscaler's default {@code lever.scaling.idle-timeout}
     */
    public record Timeouts(String streamIdle, String request, String header, String scaleDownDelay, String idle) {}

    /**
     * A node joining a cluster ({@code lever up --join}): a data plane only, no control plane.
     *
     * @param controlPlanes the cluster's control planes' gRPC addresses, {@code HOST:PORT[,HOST:PORT]}
     * @param joinTokenFile the join token, used once when the node has no credential yet
     * @param advertiseHost where the other nodes reach this one's forwarding port (it listens there)
     * @param memoryCapacity {@code --memory-capacity} for the data plane, or {@code null}
     */
    public record Join(
            String controlPlanes, Path joinTokenFile, String nodeId, String advertiseHost, String memoryCapacity) {}

    /**
     * @param logFormat both planes' {@code --log-format}: {@code text} or {@code json}
     * @param otlpEndpoint the data plane's {@code --otlp-endpoint}, or {@code null}
     */
    public record Observability(String logFormat, String otlpEndpoint) {}

    /**
     * How the data plane runs instances.
     *
     * @param runtime {@code process} (the default) or {@code docker}
     * @param imageTag the runtime images' tag with {@code docker}
     * @param warmRuntimes the data plane's {@code --warm-runtimes} (processes only); -1 for its default
     */
    public record Instances(String runtime, String imageTag, int warmRuntimes) {
        public static final Instances PROCESSES = new Instances("process", "latest", -1);

        boolean inContainers() {
            return runtime.equals("docker");
        }
    }

    private final Join join;
    private final Local local;
    private final Observability observability;
    private final Instances instances;

    /**
     * @param store {@code lever.store} for the control plane
     * @param local the whole platform's node and address (ignored with {@code join})
     * @param join the cluster to join as a data plane only, or {@code null} for the whole platform
     * @param observability how both planes log, where spans go
     * @param instances how the data plane runs instances
     */
    public LocalPlatform(
            LeverHome home,
            Ports ports,
            Path dataDir,
            String store,
            Timeouts timeouts,
            Local local,
            Join join,
            Observability observability,
            Instances instances) {
        this.observability = observability;
        this.instances = instances;
        this.local = local;
        this.home = home;
        this.store = store;
        this.ports = ports;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.timeouts = timeouts;
        this.join = join;
    }

    /** Starts both planes and waits until they serve; prints progress to {@code out}. */
    public void start(PrintStream out) throws IOException, InterruptedException {
        checkPortsFree();
        Files.createDirectories(dataDir.resolve("cache"));
        long started = System.nanoTime();
        if (join != null) {
            printWhole(
                    out,
                    "Joining the cluster at %s as node '%s' (data in %s) ...%n",
                    join.controlPlanes(),
                    join.nodeId(),
                    dataDir.resolve("node"));
            waitUntilReady(startChild(DATA_PLANE), healthUrl(DATA_PLANE), started, out);
            printWhole(out, "%nNode '%s' is up in %.1f s.%n", join.nodeId(), (System.nanoTime() - started) / 1e9);
            printWhole(out, "  HTTP API (calls)    http://127.0.0.1:%d/<service>/<method>%n", ports.http());
            printWhole(out, "  forwarding port     %s:%d (other nodes)%n", join.advertiseHost(), ports.forwarding());
            printWhole(out, "Press Ctrl-C to stop.%n%n");
            return;
        }
        printWhole(out, "Starting Lever (data in %s) ...%n", dataDir);
        ChildProcess controlPlane = startChild(CONTROL_PLANE);
        ChildProcess dataPlane = startChild(DATA_PLANE);
        waitUntilReady(controlPlane, healthUrl(CONTROL_PLANE), started, out);
        waitUntilReady(dataPlane, healthUrl(DATA_PLANE), started, out);
        printWhole(out, "%nLever is up in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        printWhole(out, "  HTTP API (calls)    http://127.0.0.1:%d/<service>/<method>%n", ports.http());
        printWhole(out, "  gRPC (core.LeverRPC) 127.0.0.1:%d%n", ports.http());
        printWhole(out, "  REST API            http://%s:%d/api/v1%n", local.host(), ports.api());
        printWhole(
                out, "  web console         http://%s:%d/ (sign in with: lever console)%n", local.host(), ports.api());
        printWhole(out, "  API docs            http://%s:%d/swagger-ui.html%n", local.host(), ports.api());
        printWhole(out, "  API token           %s%n", dataDir.resolve("token"));
        printWhole(out, "Deploy a service with: lever deploy <folder>. Press Ctrl-C to stop.%n%n");
    }

    /** Whether any component was started (and so may need stopping). */
    public synchronized boolean isStarted() {
        return !children.isEmpty();
    }

    /**
     * Keeps the components running until {@link #stop}: one that exits by itself is reported on
     * {@code err} and started again after a backoff ({@link RestartBackoff}), and its return is
     * reported once it answers its health check. Meanwhile the other keeps running: the data plane
     * serves with the routes it has while the control plane is away. Call from the thread that
     * started the platform, which lives as long as the components (their parent-death signal).
     */
    public void superviseUntilStopped(PrintStream err) throws InterruptedException {
        Map<String, RestartBackoff> backoffs = new HashMap<>();
        while (true) {
            ChildProcess exited = awaitExit();
            if (stopping) {
                return;
            }
            RestartBackoff backoff = backoffs.computeIfAbsent(exited.name(), name -> new RestartBackoff());
            Duration delay = backoff.after(exited.ran());
            printWhole(
                    err,
                    "lever: the %s %s after %d s; restarting it in %.1f s (restart %d)%n",
                    exited.name(),
                    exited.exitDescription(),
                    exited.ran().toSeconds(),
                    delay.toMillis() / 1e3,
                    backoff.restarts());
            ChildProcess restarted;
            while (true) {
                Thread.sleep(delay);
                try {
                    restarted = restart(exited);
                    break;
                } catch (IOException e) {
                    delay = backoff.after(Duration.ZERO);
                    printWhole(
                            err,
                            "lever: could not start the %s: %s; trying again in %.1f s%n",
                            exited.name(),
                            e.getMessage(),
                            delay.toMillis() / 1e3);
                }
            }
            if (restarted == null) {
                return; // stopping
            }
            reportWhenReady(restarted, err);
        }
    }

    /** Blocks until a running component exits; returns it. */
    private ChildProcess awaitExit() throws InterruptedException {
        CompletableFuture<?>[] exits;
        synchronized (this) {
            exits = children.stream()
                    .map(child -> child.process().onExit().thenApply(p -> child))
                    .toArray(CompletableFuture[]::new);
        }
        try {
            return (ChildProcess) CompletableFuture.anyOf(exits).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the component again in place of {@code exited}; {@code null} when the platform is stopping. */
    private synchronized ChildProcess restart(ChildProcess exited) throws IOException, InterruptedException {
        if (stopping) {
            return null;
        }
        ChildProcess restarted = ChildProcess.start(exited.name(), command(exited.name()));
        children.set(children.indexOf(exited), restarted);
        return restarted;
    }

    /**
     * Prints one formatted message in one write. The components write to the same terminal or log
     * file, and {@code printf} writes a message piece by piece: a component's line could land inside
     * it (a test looking for "lever: the data plane is back" once found it split that way).
     */
    private static void printWhole(PrintStream stream, String format, Object... args) {
        stream.print(String.format(format, args));
    }

    private void reportWhenReady(ChildProcess child, PrintStream err) {
        long started = System.nanoTime();
        Thread.ofVirtual().name("lever-up-restart-report").start(() -> {
            try {
                if (awaitHealthy(child, healthUrl(child.name()), started + START_TIMEOUT.toNanos())) {
                    printWhole(
                            err,
                            "lever: the %s is back (ready in %.1f s)%n",
                            child.name(),
                            (System.nanoTime() - started) / 1e9);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Stops every component: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
    public void stop() {
        List<ChildProcess> running;
        synchronized (this) {
            stopping = true;
            running = List.copyOf(children);
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        // The data plane first, so that it drains its instances while the control plane still answers.
        for (ChildProcess child : running.reversed()) {
            stops.add(CompletableFuture.runAsync(() -> child.stop(20)));
        }
        stops.forEach(CompletableFuture::join);
    }

    private synchronized ChildProcess startChild(String name) throws IOException, InterruptedException {
        ChildProcess child = ChildProcess.start(name, command(name));
        children.add(child);
        return child;
    }

    private List<String> command(String name) throws IOException, InterruptedException {
        return name.equals(CONTROL_PLANE) ? controlPlaneCommand() : dataPlaneCommand();
    }

    private String healthUrl(String name) {
        return name.equals(CONTROL_PLANE)
                ? "http://" + local.host() + ":" + ports.api() + "/actuator/health"
                : "http://127.0.0.1:" + ports.http() + "/_lever/health";
    }

    private List<String> controlPlaneCommand() throws IOException, InterruptedException {
        Path jar = extractedControlPlane();
        List<String> command = javaCommand("control-plane", List.of(jar.getParent()), true);
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--lever.data-dir=" + dataDir,
                "--lever.store=" + store,
                "--server.port=" + ports.api(),
                "--lever.console.ingress-url=http://127.0.0.1:" + ports.http(),
                "--spring.grpc.server.port=" + ports.grpc(),
                "--lever.scaling.scale-down-delay=" + timeouts.scaleDownDelay(),
                "--lever.scaling.idle-timeout=" + timeouts.idle(),
                // The data plane below is a node of this cluster: its credential is written at start.
                "--lever.local-node-id=" + local.nodeId(),
                // On a laptop only this machine talks to the control plane (the routing stream carries
                // every service's config); in a cluster, the machine's address on the cluster network.
                "--server.address=" + local.host(),
                "--spring.grpc.server.host=" + local.host(),
                "--log-format=" + observability.logFormat()));
        return command;
    }

    private List<String> dataPlaneCommand() {
        List<String> command = javaCommand("data-plane", List.of(home.dataPlaneLib()), false);
        List<String> identity = join == null
                ? List.of(
                        "--control-plane",
                        local.host() + ":" + ports.grpc(),
                        "--node-id",
                        local.nodeId(),
                        "--node-credential-file",
                        dataDir.resolve("local-node.credential").toString(),
                        "--forwarding-host",
                        local.host())
                : new ArrayList<>(List.of(
                        "--control-plane",
                        join.controlPlanes(),
                        "--node-id",
                        join.nodeId(),
                        "--join-token-file",
                        join.joinTokenFile().toString(),
                        "--forwarding-host",
                        join.advertiseHost(),
                        "--advertise-host",
                        join.advertiseHost()));
        if (join != null && join.memoryCapacity() != null) {
            identity.addAll(List.of("--memory-capacity", join.memoryCapacity()));
        }
        command.addAll(List.of(
                "-cp",
                home.dataPlaneLib() + "/*",
                "io.leveros.dataplane.DataPlaneMain",
                "--port",
                String.valueOf(ports.http()),
                "--gateway-port",
                String.valueOf(ports.gateway()),
                "--forwarding-port",
                String.valueOf(ports.forwarding()),
                "--data-dir",
                dataDir.resolve("node").toString(),
                "--java-runtime-lib",
                home.javaRuntimeLib().toString(),
                "--cache-dir",
                dataDir.resolve("cache").toString(),
                "--stream-idle-timeout",
                timeouts.streamIdle(),
                "--request-timeout",
                timeouts.request(),
                "--header-timeout",
                timeouts.header(),
                "--log-format",
                observability.logFormat()));
        if (ports.maxConnections() > 0) {
            command.addAll(List.of("--max-connections", String.valueOf(ports.maxConnections())));
        }
        if (ports.eventLoops() > 0) {
            command.addAll(List.of("--event-loops", String.valueOf(ports.eventLoops())));
        }
        if (observability.otlpEndpoint() != null) {
            command.addAll(List.of("--otlp-endpoint", observability.otlpEndpoint()));
        }
        command.addAll(identity);
        if (instances.inContainers()) {
            // the runtimes are in the images; Docker holds each instance to its ram
            command.addAll(List.of("--runtime", "docker", "--image-tag", instances.imageTag()));
            return command;
        }
        if (instances.warmRuntimes() >= 0) {
            command.addAll(List.of("--warm-runtimes", String.valueOf(instances.warmRuntimes())));
        }
        Path nodeRuntime = home.nodeRuntime();
        if (nodeRuntime != null) {
            command.addAll(List.of("--node-runtime", nodeRuntime.toString()));
        }
        if (!runsAsRoot()) {
            // A developer's own account rarely may make memory cgroups: instances are held to their ram by
            // their runtime's heap flags only, and the data plane says so (it refuses that as root).
            command.add("--allow-unlimited-ram");
        }
        return command;
    }

    private static boolean runsAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // not Linux: no cgroups either
        }
    }

    private List<String> javaCommand(String component, List<Path> classpath, boolean aot) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-XX:+UseSerialGC");
        command.addAll(StartupCache.flags(dataDir.resolve("cache"), component, classpath, aot));
        command.add("--enable-native-access=ALL-UNNAMED");
        return command;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The control plane's Spring Boot jar unpacked once per build (jarmode "tools extract"): an
     * unpacked application starts faster and its classes can be cached.
     */
    private Path extractedControlPlane() throws IOException, InterruptedException {
        Path fatJar = home.controlPlaneJar();
        String build = Long.toHexString(Files.size(fatJar)) + "-"
                + Long.toHexString(Files.getLastModifiedTime(fatJar).toMillis());
        Path target = dataDir.resolve("cache").resolve("control-plane-" + build);
        Path jar = target.resolve(fatJar.getFileName());
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path partial = Files.createTempDirectory(dataDir.resolve("cache"), "extracting-");
        Process extract = new ProcessBuilder(
                        java(),
                        "-Djarmode=tools",
                        "-jar",
                        fatJar.toString(),
                        "extract",
                        "--destination",
                        partial.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (extract.waitFor() != 0) {
            throw new CliException("unpacking " + fatJar + " failed (exit " + extract.exitValue()
                    + "): rebuild it with ./mvnw -DskipTests package");
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }

    private void checkPortsFree() {
        check(ports.http(), "--port", "the HTTP API");
        if (join == null) {
            check(ports.api(), "--api-port", "the REST API");
            check(ports.grpc(), "--grpc-port", "the control plane's gRPC");
        }
        check(ports.gateway(), "--gateway-port", "the internal gateway");
        check(ports.forwarding(), "--forwarding-port", "the port for calls from other data planes");
    }

    private static void check(int port, String option, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new CliException("port " + port + " (" + what + ") is in use: is Lever already running? Stop it, "
                    + "or choose another port with " + option);
        }
    }

    private void waitUntilReady(ChildProcess child, String healthUrl, long started, PrintStream out)
            throws InterruptedException {
        if (awaitHealthy(child, healthUrl, System.nanoTime() + START_TIMEOUT.toNanos())) {
            printWhole(out, "  %s ready (%.1f s)%n", child.name(), (System.nanoTime() - started) / 1e9);
            return;
        }
        if (!child.process().isAlive()) {
            throw new CliException(
                    child.name() + " " + child.exitDescription() + " while starting (its output is above)");
        }
        throw new CliException(
                child.name() + " did not become ready within " + START_TIMEOUT.toSeconds() + " s (" + healthUrl + ")");
    }

    /** Whether {@code child} answers 200 at {@code healthUrl} before the deadline; false once it exited. */
    private boolean awaitHealthy(ChildProcess child, String healthUrl, long deadlineNanos) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadlineNanos && child.process().isAlive()) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            child.process().waitFor(100, TimeUnit.MILLISECONDS);
        }
        return false;
    }
}
