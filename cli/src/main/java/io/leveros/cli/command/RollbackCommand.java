package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever rollback <service> [--to N]}: a kept version goes live again. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Make a kept version of a service (--env) live again: the newest one before the live version,",
            "or the one given with --to. New calls go to it at once; the replaced version's instances finish",
            "their calls and stop. lever versions lists the kept versions."
        })
public final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Option(names = "--to", paramLabel = "N", description = "The version to make live (default: the one before).")
    Long version;

    @Override
    public Integer call() {
        if (version != null && version < 1) {
            throw new CliException("--to takes a version number (1, 2, ...), not " + version);
        }
        String env = lever.global.env;
        ControlPlaneClient api = lever.global.controlPlane();
        long before = api.get(ControlPlaneClient.servicePath(env, service))
                .path("liveVersion")
                .asLong();
        JsonNode after = api.postJson(
                ControlPlaneClient.servicePath(env, service) + "/rollback",
                version == null ? "{}" : "{\"version\": " + version + "}");
        long live = after.path("liveVersion").asLong();
        System.out.println(
                live == before
                        ? service + " v" + live + " was already live in " + env + "."
                        : "Rolled back " + service + " in " + env + ": v" + live + " is live (was v" + before + ").");
        return 0;
    }
}
