package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever rollback <service> [--to N]}: a kept version starts again and goes live once ready. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Make a kept version of a service (--env) live again: the newest one before the live version,",
            "or the one given with --to. Like a deploy, its instances start first while the live version",
            "serves; once they are ready new calls go to it, and the replaced version's instances finish",
            "their calls and stop. Waits for that, showing progress, unless --no-wait. lever versions lists",
            "the kept versions."
        })
public final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Option(
            names = "--to",
            paramLabel = "N",
            description = "The version to go back to (default: the one before the live one).")
    Long version;

    @Option(names = "--no-wait", description = "Return at once, while the version starts.")
    boolean noWait;

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
        long starting = after.path("startingVersion").asLong();
        if (starting == 0 || starting == before) {
            System.out.println(service + " v" + before + " is live in " + env + " (nothing else is starting now).");
            return 0;
        }
        if (noWait) {
            System.out.println("Rolling back " + service + " in " + env + ": v" + starting + " is starting"
                    + " (lever versions " + service + " shows when it is live).");
            return 0;
        }
        StartWait.Outcome outcome = StartWait.await(lever.global, service, starting, System.err);
        System.out.println(
                outcome.live()
                        ? "Rolled back " + service + " in " + env + ": v" + starting + " is live (was v" + before + ")."
                        : "Rolling back " + service + " to v" + starting + " was overtaken: v" + outcome.replacedBy()
                                + " was started meanwhile.");
        return 0;
    }
}
