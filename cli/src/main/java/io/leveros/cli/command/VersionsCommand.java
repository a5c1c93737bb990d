package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever versions <service>}: every deployed version of a service, newest first. */
@Command(
        name = "versions",
        mixinStandardHelpOptions = true,
        description = {
            "List the kept versions of a service (--env), newest first: which one is live, when and by whom",
            "(the token's name) each was deployed. The control plane keeps the newest lever.deploy.keep-versions",
            "(10) and the live one; lever rollback makes a kept one live again."
        })
public final class VersionsCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Override
    public Integer call() {
        String env = lever.global.env;
        JsonNode versions = lever.global.controlPlane().get(ControlPlaneClient.servicePath(env, service) + "/versions");
        Table table = new Table("VERSION", "LIVE", "DEPLOYED", "BY", "ENTRY");
        for (JsonNode version : versions) {
            table.row(
                    "v" + version.path("version").asText(),
                    version.path("live").asBoolean() ? "live" : "",
                    version.path("deployedAt").asText(),
                    version.path("deployedBy").isTextual()
                            ? version.path("deployedBy").asText()
                            : "-",
                    version.path("entry").toString());
        }
        table.print(System.out);
        return 0;
    }
}
