package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code lever services}: the services of an environment and their live versions. */
@Command(
        name = "services",
        mixinStandardHelpOptions = true,
        description = "List the services of the environment (--env).")
public final class ServicesCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Override
    public Integer call() {
        String env = lever.global.env;
        JsonNode services =
                lever.global.controlPlane().get("/environments/" + ControlPlaneClient.segment(env) + "/services");
        if (services.isEmpty()) {
            System.out.println("No services in " + env + " yet. Deploy one with: lever deploy <folder>");
            return 0;
        }
        Table table = new Table("SERVICE", "LIVE", "ACCESS", "DESCRIPTION");
        for (JsonNode service : services) {
            table.row(
                    service.path("name").asText(),
                    "v" + service.path("liveVersion").asText(),
                    service.path("private").asBoolean() ? "private" : "public",
                    service.path("description").asText());
        }
        table.print(System.out);
        return 0;
    }
}
