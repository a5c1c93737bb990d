package io.leveros.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.cli.CliException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code lever version}: the versions of the CLI, the control plane (--api) and the data plane (--host). */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = {
            "Print the versions of this CLI, of the control plane it talks to (--api) and of the data plane",
            "(--host); a plane that does not answer is said so."
        })
public final class VersionCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    LeverCommand lever;

    @Override
    public Integer call() {
        GlobalOptions global = lever.global;
        System.out.printf("%-14s %s%n", "lever CLI", LeverCommand.version());
        String controlPlane;
        try {
            controlPlane = global.controlPlane().get("/cluster").path("version").asText("unknown (too old to say)")
                    + " (" + global.api + ")";
        } catch (CliException e) {
            controlPlane = e.getMessage();
        }
        System.out.printf("%-14s %s%n", "control plane", controlPlane);
        String dataPlane;
        try {
            dataPlane =
                    JSON.readTree(global.dataPlane().health()).path("version").asText("unknown (too old to say)") + " ("
                            + global.host + ")";
        } catch (CliException e) {
            dataPlane = e.getMessage();
        } catch (IOException e) {
            dataPlane = "the data plane at " + global.host + " did not answer with JSON: " + e.getMessage();
        }
        System.out.printf("%-14s %s%n", "data plane", dataPlane);
        return 0;
    }
}
