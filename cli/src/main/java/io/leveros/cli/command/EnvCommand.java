package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import io.leveros.core.environment.EnvironmentNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lever env list|create|delete}: manage environments. */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "List, create or delete environments.",
        subcommands = {EnvCommand.ListEnvironments.class, EnvCommand.Create.class, EnvCommand.Delete.class})
public final class EnvCommand implements Runnable {
    @ParentCommand
    LeverCommand lever;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: list, create or delete");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the environments.")
    static final class ListEnvironments implements Runnable {
        @ParentCommand
        EnvCommand env;

        @Override
        public void run() {
            Table table = new Table("ENVIRONMENT", "SERVICES");
            for (JsonNode environment : env.lever.global.controlPlane().get("/environments")) {
                table.row(
                        environment.path("name").asText(),
                        environment.path("serviceCount").asText());
            }
            table.print(System.out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an environment.")
    static final class Create implements Runnable {
        @ParentCommand
        EnvCommand env;

        @Parameters(index = "0", paramLabel = "NAME", description = "A host name, e.g. staging.lever.")
        String name;

        @Override
        public void run() {
            String problem = EnvironmentNames.problem(name);
            if (problem != null) {
                throw new CliException(problem);
            }
            String body =
                    JsonNodeFactory.instance.objectNode().put("name", name).toString();
            env.lever.global.controlPlane().postJson("/environments", body);
            System.out.println(
                    "Created environment " + name + ". Deploy to it with: lever deploy --env " + name + " <folder>");
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete an environment (one with services only with --with-services).")
    static final class Delete implements Runnable {
        @ParentCommand
        EnvCommand env;

        @Parameters(index = "0", paramLabel = "NAME", description = "The environment to delete.")
        String name;

        @Option(
                names = "--with-services",
                description = "Also stop and delete its services (their instances drain and stop; their versions"
                        + " and code are gone).")
        boolean withServices;

        @Override
        public void run() {
            env.lever
                    .global
                    .controlPlane()
                    .delete("/environments/" + ControlPlaneClient.segment(name)
                            + (withServices ? "?withServices=true" : ""));
            System.out.println("Deleted environment " + name + (withServices ? " and its services." : "."));
        }
    }
}
