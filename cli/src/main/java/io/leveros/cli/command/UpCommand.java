package io.leveros.cli.command;

import io.leveros.cli.platform.LeverHome;
import io.leveros.cli.platform.LocalPlatform;
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
            "Ctrl-C (or SIGTERM) stops everything, instances included."
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
            description = "Calls forwarded by other data planes, on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
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

    @Spec
    CommandSpec spec;

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
        checkDuration("--scale-down-delay", scaleDownDelay, true);
        checkDuration("--idle-timeout", idleTimeout, false);
        if (!store.equals("file") && !store.matches("redis://[^/]+:[0-9]+(/[0-9]+)?/?")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--store: '" + store + "' is not a store (expected: file or redis://host:port[/db])");
        }
        LocalPlatform platform = new LocalPlatform(
                LeverHome.locate(),
                new LocalPlatform.Ports(port, apiPort, grpcPort, gatewayPort, forwardingPort),
                lever.global.dataDir,
                store,
                new LocalPlatform.Timeouts(streamIdleTimeout, requestTimeout, scaleDownDelay, idleTimeout));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (platform.isStarted()) {
                System.out.println("Stopping Lever ...");
                platform.stop();
                System.out.println("Stopped.");
            }
        }));
        platform.start(System.out);
        platform.superviseUntilStopped(System.err);
        return 0;
    }
}
