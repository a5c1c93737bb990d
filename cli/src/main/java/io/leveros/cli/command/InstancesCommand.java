package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever instances <service>}: where a service's instances run and how busy they are. */
@Command(
        name = "instances",
        mixinStandardHelpOptions = true,
        description = "List the instances of a service (--env) on every node: node, version, state, age,"
                + " calls in flight, memory.")
public final class InstancesCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Override
    public Integer call() {
        String env = lever.global.env;
        JsonNode instances =
                lever.global.controlPlane().get(ControlPlaneClient.servicePath(env, service) + "/instances");
        if (instances.isEmpty()) {
            System.out.println("No instance of " + service + " runs now; the next call starts one.");
            return 0;
        }
        Table table = new Table("NODE", "VERSION", "INSTANCE", "STATE", "AGE", "IN FLIGHT", "MEMORY");
        for (JsonNode instance : instances) {
            table.row(
                    instance.path("node").asText(),
                    "v" + instance.path("version").asText(),
                    instance.path("instanceId").asText("-"),
                    instance.path("state").asText(),
                    instance.path("state").asText().equals("starting")
                            ? "-"
                            : instance.path("ageSeconds").asLong() + "s",
                    instance.path("inFlight").asText(),
                    megabytes(instance.path("rssBytes").asLong()));
        }
        table.print(System.out);
        return 0;
    }

    private static String megabytes(long bytes) {
        return bytes <= 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }
}
