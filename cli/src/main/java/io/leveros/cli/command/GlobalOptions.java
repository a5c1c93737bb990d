package io.leveros.cli.command;

import io.leveros.cli.api.ControlPlaneClient;
import io.leveros.cli.api.DataPlaneClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every verb accepts: where the platform is and which environment to use. */
public final class GlobalOptions {
    @Option(
            scope = ScopeType.INHERIT,
            names = {"-E", "--env"},
            defaultValue = "${env:LEVEROS_ENV:-dev.lever}",
            description = "Environment for relative URLs and deploys (default: ${DEFAULT-VALUE}).")
    public String env;

    @Option(
            scope = ScopeType.INHERIT,
            names = {"-H", "--host"},
            defaultValue = "${env:LEVEROS_IP_PORT:-127.0.0.1:8080}",
            description = "host:port of the data plane (HTTP API and gRPC; default: ${DEFAULT-VALUE}).")
    public String host;

    @Option(
            scope = ScopeType.INHERIT,
            names = "--api",
            defaultValue = "${env:LEVEROS_API:-http://127.0.0.1:8090}",
            description = "URL of the control plane's REST API (default: ${DEFAULT-VALUE}).")
    public String api;

    @Option(
            scope = ScopeType.INHERIT,
            names = "--data-dir",
            defaultValue = "${env:LEVEROS_DATA_DIR:-${sys:user.home}/.lever}",
            description =
                    "The platform's data folder; the CLI reads the API token from it (default: ${DEFAULT-VALUE}).")
    public Path dataDir;

    @Option(
            scope = ScopeType.INHERIT,
            names = "--token",
            defaultValue = "${env:LEVEROS_TOKEN}",
            description = "Bearer token sent on every control plane call: the built-in admin one, or one from"
                    + " 'lever tokens create' (default: read from <data-dir>/token).")
    public String token;

    public ControlPlaneClient controlPlane() {
        return new ControlPlaneClient(api, token, dataDir);
    }

    public DataPlaneClient dataPlane() {
        return new DataPlaneClient(host);
    }
}
