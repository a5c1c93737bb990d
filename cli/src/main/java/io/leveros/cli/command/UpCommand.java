package io.leveros.cli.command;

import io.leveros.cli.platform.LeverHome;
import io.leveros.cli.platform.LocalPlatform;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lever up}: runs the whole platform locally until Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Run the platform on this machine (control plane + data plane) on embedded defaults.",
            "Data is kept in --data-dir (default ~/.lever). Ctrl-C stops everything, instances included."
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

    @Override
    public Integer call() throws Exception {
        LocalPlatform platform = new LocalPlatform(
                LeverHome.locate(),
                new LocalPlatform.Ports(port, apiPort, grpcPort, gatewayPort),
                lever.global.dataDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (platform.isStarted()) {
                System.out.println("Stopping Lever ...");
                platform.stop();
                System.out.println("Stopped.");
            }
        }));
        platform.start(System.out);
        var exited = platform.awaitUnexpectedExit();
        if (platform.isStopping()) {
            return 0;
        }
        System.err.printf(
                "lever: the %s exited with code %d; stopping the platform%n",
                exited.name(), exited.process().exitValue());
        return 1;
    }
}
