package io.leveros.dataplane;

import java.io.UncheckedIOException;

/** Parses the command line, starts the data plane, prints where it listens, stops it on exit. */
final class DataPlaneBootstrap {
    private DataPlaneBootstrap() {}

    static void run(String[] args) throws Exception {
        DataPlaneOptions options;
        try {
            options = DataPlaneOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lever data plane: " + e.getMessage());
            System.exit(2);
            return;
        }
        options.logFormat().install();
        DataPlane dataPlane;
        try {
            dataPlane = DataPlane.start(options);
        } catch (IllegalArgumentException e) { // an option missing, e.g. the node credential
            System.err.println("lever data plane: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IllegalStateException | UncheckedIOException e) { // e.g. instances cannot be isolated as required
            System.err.println("lever data plane: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(dataPlane::close, "lever-data-plane-stop"));
        System.out.println(options.logFormat()
                .line("lever data plane listening on " + options.bindHost() + ":" + dataPlane.port()
                        + " (HTTP API + gRPC), internal gateway 127.0.0.1:" + dataPlane.gatewayPort() + ", forwarding "
                        + options.forwardingHost() + ":" + dataPlane.forwardingPort() + ", control plane "
                        + options.controlPlane() + ", node " + options.nodeId()));
    }
}
