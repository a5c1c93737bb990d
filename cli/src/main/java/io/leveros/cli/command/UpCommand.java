package io.leveros.cli.command;

import io.leveros.cli.platform.JsonLines;
import io.leveros.cli.platform.LeverHome;
import io.leveros.cli.platform.LocalPlatform;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lever up}: runs the whole platform locally until Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Run the platform on this machine (control plane + data plane) on embedded defaults.",
            "Data is kept in --data-dir (default ~/.lever). A plane that exits by itself is restarted (1 s, doubling"
                    + " to 30 s while it keeps exiting); the data plane keeps serving while the control plane is away.",
            "Ctrl-C (or SIGTERM) stops everything, instances included.",
            "With --join, run only a data plane that joins a cluster's control planes as a new node:"
                    + " lever up --join HOST:8091 --join-token-file F --node-id ID --advertise-host IP"
                    + " (the join token from `lever nodes join-token`; the node's data in <data-dir>/node)."
        })
public final class UpCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Data plane port: HTTP API, gRPC (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--api-port",
            defaultValue = "8090",
            description = "Control plane REST API and docs (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
            names = "--grpc-port",
            defaultValue = "8091",
            description = "Control plane gRPC for data planes (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--gateway-port",
            defaultValue = "3838",
            description = "Internal gateway for instances (default: ${DEFAULT-VALUE}).")
    int gatewayPort;

    @Option(
            names = "--forwarding-port",
            defaultValue = "3500",
            description = "Calls forwarded by other data planes, on 127.0.0.1, or on --advertise-host with --join"
                    + " (default: ${DEFAULT-VALUE}).")
    int forwardingPort;

    @Option(
            names = "--stream-idle-timeout",
            defaultValue = "10m",
            paramLabel = "DURATION",
            description = "Close a stream after this long without a message either way, e.g. 90s, 10m"
                    + " (default: ${DEFAULT-VALUE}).")
    String streamIdleTimeout;

    @Option(
            names = "--request-timeout",
            defaultValue = "5m",
            paramLabel = "DURATION",
            description = "How long a call may take before it is answered 504, e.g. 30s, 15m"
                    + " (default: ${DEFAULT-VALUE}; streams are not bound by it).")
    String requestTimeout;

    @Option(
            names = "--header-timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "Answer 408 and close a connection whose request headers are not complete this long after"
                    + " their first byte (or after it connected), e.g. 30s (default: ${DEFAULT-VALUE}).")
    String headerTimeout;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "Connections each of the data plane's ports takes at once; more are answered 503 and closed"
                    + " (default: a quarter of the open-file limit, at most 10000).")
    Integer maxConnections;

    @Option(
            names = "--event-loops",
            paramLabel = "N",
            description = "Event loops (threads) serving the data plane's connections; a connection stays on one"
                    + " (default: one per core).")
    Integer eventLoops;

    @Option(
            names = "--scale-down-delay",
            defaultValue = "45s",
            paramLabel = "DURATION",
            description = "Stop instances only once a lower need has lasted this long, e.g. 10s"
                    + " (default: ${DEFAULT-VALUE}; lever.json scaleDownDelay overrides it per service).")
    String scaleDownDelay;

    @Option(
            names = "--idle-timeout",
            defaultValue = "5m",
            paramLabel = "DURATION",
            description = "Scale a service without calls for this long down to minInstances (zero by default)"
                    + " (default: ${DEFAULT-VALUE}; lever.json idleTimeout overrides it per service).")
    String idleTimeout;

    @Option(
            names = "--store",
            defaultValue = "${env:LEVEROS_STORE:-file}",
            paramLabel = "STORE",
            description = "Where the metadata lives: file (in --data-dir) or redis://host:port[/db], shared by the"
                    + " control planes of a cluster (env LEVEROS_STORE; default: ${DEFAULT-VALUE}).")
    String store;

    @Option(
            names = "--join",
            paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "Join the cluster whose control planes' gRPC ports these are, as a data plane only"
                    + " (no control plane here).")
    String join;

    @Option(
            names = "--join-token-file",
            paramLabel = "FILE",
            description = "With --join: the cluster join token (`lever nodes join-token`), used once, when the node"
                    + " has no credential yet (<data-dir>/node/node.credential).")
    java.nio.file.Path joinTokenFile;

    @Option(
            names = "--node-id",
            paramLabel = "ID",
            description = "This node's name, letters, digits, '_' or '-' (default: local; with --join: the host"
                    + " name). Each node of a cluster needs its own.")
    String nodeId;

    @Option(
            names = "--advertise-host",
            paramLabel = "IP",
            defaultValue = "127.0.0.1",
            description = "This machine's address on the cluster network: the forwarding port listens there and the"
                    + " other nodes forward calls to it; without --join the control plane's REST and gRPC ports"
                    + " listen there too, for the nodes that join it (default: ${DEFAULT-VALUE}, this machine"
                    + " only).")
    String advertiseHost;

    @Option(
            names = "--memory-capacity",
            paramLabel = "SIZE",
            description = "With --join: the memory this node offers instances, e.g. 4g (default: the machine's).")
    String memoryCapacity;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (default) for people, or json: one JSON object a line (Elastic Common Schema"
                    + " fields) from lever up and both planes, instances' output included, for a log pipeline.")
    String logFormat;

    @Option(
            names = "--otlp-endpoint",
            paramLabel = "URL",
            description = "Export a span of every call the data plane answers to this OpenTelemetry collector"
                    + " (OTLP/HTTP, JSON), e.g. http://127.0.0.1:4318 (default: none; calls' W3C trace context is"
                    + " passed on to services either way).")
    String otlpEndpoint;

    @Option(
            names = "--runtime",
            paramLabel = "RUNTIME",
            defaultValue = "process",
            description = "How instances run: process (default), as processes of this machine, or docker, each in"
                    + " a container of the Docker engine here (read-only root filesystem, no capabilities, memory and"
                    + " pids limits); build its images first with ops/images/build.")
    String runtime;

    @Option(
            names = "--warm-runtimes",
            paramLabel = "N",
            description = "Idle runtimes kept started for each of Java and Node (processes only): a cold start of an"
                    + " instance with the default ram takes one and skips the JVM's or Node's start; each holds"
                    + " about 68 (Java) or 17 (Node) MB of memory while idle, the pages they share counted once; 0"
                    + " for none (default: as many as fit in 2%% of"
                    + " the node's memory, 1 to 10 of each, and for 5 minutes after a burst of cold starts found"
                    + " too few, up to as many as fit in 8%%).")
    Integer warmRuntimes;

    @Option(
            names = "--image-tag",
            paramLabel = "TAG",
            defaultValue = "latest",
            description = "With --runtime docker: the tag of the runtime images (default: ${DEFAULT-VALUE}).")
    String imageTag;

    @Spec
    CommandSpec spec;

    /** The cluster to join, or {@code null} without {@code --join}; refuses a half-given join. */
    private LocalPlatform.Join joinOptions() {
        if (join == null) {
            if (joinTokenFile != null || memoryCapacity != null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--join-token-file and --memory-capacity go with --join HOST:PORT (a node that joins a"
                                + " cluster); without --join, lever up runs the whole platform here");
            }
            return null;
        }
        for (String address : join.split(",")) {
            if (!address.matches("[^:,\\s]+:[0-9]{1,5}")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--join: '" + address
                                + "' (expected: the control planes' gRPC addresses, HOST:PORT[,HOST:PORT],"
                                + " e.g. 10.0.0.1:8091)");
            }
        }
        if (joinTokenFile == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--join needs --join-token-file FILE: the join token `lever nodes join-token` printed (needed"
                            + " once, while the node has no credential)");
        }
        return new LocalPlatform.Join(
                join, joinTokenFile.toAbsolutePath(), checkedNodeId(hostName()), advertiseHost, memoryCapacity);
    }

    /** The whole platform's node and address (without {@code --join}). */
    private LocalPlatform.Local localOptions() {
        return new LocalPlatform.Local(checkedNodeId(LocalPlatform.Local.LAPTOP.nodeId()), advertiseHost);
    }

    private String checkedNodeId(String byDefault) {
        String id = nodeId != null ? nodeId : byDefault;
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--node-id: '" + id + "' (expected: 1-63 letters, digits, '_' or '-', starting with a letter or"
                            + " digit)");
        }
        return id;
    }

    private static String hostName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            return name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        } catch (java.net.UnknownHostException e) {
            return "node";
        }
    }

    private void checkDuration(String option, String value, boolean zeroAllowed) {
        if (!value.matches("[1-9][0-9]*(ms|s|m)") && !(zeroAllowed && value.equals("0"))) {
            throw new ParameterException(
                    spec.commandLine(),
                    option + ": '" + value + "' is not a duration (expected: a number with ms, s or m, e.g. 90s or"
                            + " 10m" + (zeroAllowed ? ", or 0" : "") + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        checkDuration("--stream-idle-timeout", streamIdleTimeout, false);
        checkDuration("--request-timeout", requestTimeout, false);
        checkDuration("--header-timeout", headerTimeout, false);
        if (maxConnections != null && maxConnections < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max-connections: " + maxConnections + " (expected: a number >= 1)");
        }
        if (eventLoops != null && eventLoops < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--event-loops: " + eventLoops + " (expected: a number >= 1)");
        }
        if (warmRuntimes != null && warmRuntimes < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--warm-runtimes: " + warmRuntimes + " (expected: a number >= 0)");
        }
        checkDuration("--scale-down-delay", scaleDownDelay, true);
        checkDuration("--idle-timeout", idleTimeout, false);
        if (!store.equals("file") && !store.matches("redis://[^/]+:[0-9]+(/[0-9]+)?/?")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--store: '" + store + "' is not a store (expected: file or redis://host:port[/db])");
        }
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ParameterException(
                    spec.commandLine(), "--log-format: '" + logFormat + "' (expected: text or json)");
        }
        if (otlpEndpoint != null && !otlpEndpoint.matches("https?://[^/\\s]+(/\\S*)?")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--otlp-endpoint: '" + otlpEndpoint + "' (expected: the http://host:port of an OTLP/HTTP"
                            + " collector, e.g. http://127.0.0.1:4318)");
        }
        if (!runtime.equals("process") && !runtime.equals("docker")) {
            throw new ParameterException(
                    spec.commandLine(), "--runtime: '" + runtime + "' (expected: process or docker)");
        }
        if (!imageTag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--image-tag: '" + imageTag + "' is not an image tag (expected: letters, digits, '_', '.', '-',"
                            + " e.g. latest)");
        }
        PrintStream out = logFormat.equals("json") ? JsonLines.printStream(System.out, "INFO") : System.out;
        PrintStream err = logFormat.equals("json") ? JsonLines.printStream(System.err, "WARN") : System.err;
        LocalPlatform platform = new LocalPlatform(
                LeverHome.locate(),
                new LocalPlatform.Ports(
                        port,
                        apiPort,
                        grpcPort,
                        gatewayPort,
                        forwardingPort,
                        maxConnections == null ? 0 : maxConnections,
                        eventLoops == null ? 0 : eventLoops),
                lever.global.dataDir,
                store,
                new LocalPlatform.Timeouts(
                        streamIdleTimeout, requestTimeout, headerTimeout, scaleDownDelay, idleTimeout),
                localOptions(),
                joinOptions(),
                new LocalPlatform.Observability(logFormat, otlpEndpoint),
                new LocalPlatform.Instances(runtime, imageTag, warmRuntimes == null ? -1 : warmRuntimes));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (platform.isStarted()) {
                out.println("Stopping Lever ...");
                platform.stop();
                out.println("Stopped.");
            }
        }));
        platform.start(out);
        platform.superviseUntilStopped(err);
        return 0;
    }
}
