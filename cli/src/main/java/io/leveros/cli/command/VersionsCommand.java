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
            "List the kept versions of a service (--env), newest first: its state, when and by whom (the",
            "token's name) each was deployed. STATE is live (new calls run it; with its percent under a",
            "traffic split), starting (a deploy or rollback whose instances start; it goes live once they",
            "are ready), failed (it could not start, and never took a call: why is printed below the table)",
            "or kept. The control plane keeps the newest lever.deploy.keep-versions (10), the live one and",
            "those of a split; lever rollback makes a kept one live again."
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
        Table table = new Table("VERSION", "STATE", "DEPLOYED", "BY", "ENTRY");
        StringBuilder failures = new StringBuilder();
        for (JsonNode version : versions) {
            String state = version.path("state").asText();
            if (version.path("live").asBoolean() && !state.equals("live")) {
                state = "live, " + state; // a first version, live while its start is checked
            }
            if (version.path("trafficPercent").asInt() > 0) {
                state += " " + version.path("trafficPercent").asInt() + "%";
            }
            if (version.path("startFailure").isTextual()) {
                failures.append(System.lineSeparator())
                        .append("v")
                        .append(version.path("version").asText())
                        .append(": ")
                        .append(version.path("startFailure").asText());
            }
            table.row(
                    "v" + version.path("version").asText(),
                    state,
                    version.path("deployedAt").asText(),
                    version.path("deployedBy").isTextual()
                            ? version.path("deployedBy").asText()
                            : "-",
                    version.path("entry").toString());
        }
        table.print(System.out);
        System.out.print(
                failures.isEmpty()
                        ? ""
                        : failures.substring(System.lineSeparator().length()) + "\n");
        return 0;
    }
}
