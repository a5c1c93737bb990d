package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.api.ControlPlaneClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever resources <service>}: which instance on which node holds each bound resource. */
@Command(
        name = "resources",
        mixinStandardHelpOptions = true,
        description = {
            "List the bound resources of a service (--env): the version, instance and node that hold each one, "
                    + "how long it has been bound, and when it was last called.",
            "A call to /<service>/<resource>/<method> binds the resource to one instance; it stays there until "
                    + "resourceIdleTimeout (lever.json, default 3m) passes without a call."
        })
public final class ResourcesCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Override
    public Integer call() {
        String env = lever.global.env;
        JsonNode resources =
                lever.global.controlPlane().get(ControlPlaneClient.servicePath(env, service) + "/resources");
        if (resources.isEmpty()) {
            System.out.println("No resource of " + service + " is bound in " + env + "; a call to /" + service
                    + "/<resource>/<method> binds one.");
            return 0;
        }
        Instant now = Instant.now();
        Table table = new Table("RESOURCE", "VERSION", "INSTANCE", "NODE", "AGE", "LAST CALL");
        for (JsonNode resource : resources) {
            table.row(
                    resource.path("resource").asText(),
                    "v" + resource.path("version").asText(),
                    resource.path("instance").isTextual()
                            ? resource.path("instance").asText()
                            : "-",
                    resource.path("node").asText(),
                    since(resource.path("boundAt"), now),
                    resource.path("lastCall").isTextual() ? since(resource.path("lastCall"), now) + " ago" : "-");
        }
        table.print(System.out);
        return 0;
    }

    /** {@code 42s}, {@code 5m}, {@code 3h}, {@code 2d}; {@code -} when unknown. */
    static String since(JsonNode time, Instant now) {
        if (!time.isTextual()) {
            return "-";
        }
        long seconds =
                Math.max(0, Duration.between(Instant.parse(time.asText()), now).toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86_400 + "d";
    }
}
