package io.leveros.cli.command;

import io.leveros.cli.CliException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code lever} command: its verbs, global options and error reporting. */
@Command(
        name = "lever",
        mixinStandardHelpOptions = true,
        versionProvider = LeverCommand.Version.class,
        description = "Lever OS for the JVM: deploy services as plain functions and call them.",
        subcommands = {
            UpCommand.class,
            NewCommand.class,
            DeployCommand.class,
            DevCommand.class,
            InvokeCommand.class,
            StreamCommand.class,
            ServicesCommand.class,
            InstancesCommand.class,
            ResourcesCommand.class,
            LogsCommand.class,
            StatusCommand.class,
            VersionsCommand.class,
            RollbackCommand.class,
            TrafficCommand.class,
            EnvCommand.class,
            NodesCommand.class,
            TokensCommand.class,
            AuditCommand.class,
            ConsoleCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Environment variables: LEVEROS_ENV (--env), LEVEROS_IP_PORT (--host),",
            "LEVEROS_API (--api), LEVEROS_DATA_DIR (--data-dir), LEVEROS_TOKEN (--token),",
            "LEVEROS_STORE (lever up --store).",
            "Exit status: 0 on success, 1 on an error (one line on stderr), 2 on a usage error."
        })
public final class LeverCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: try 'lever --help'");
    }

    /** The configured command line, ready to {@code execute(args)}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LeverCommand());
        // "--" means "one byte argument from stdin" to `lever invoke`, as in the original CLI.
        commandLine.setEndOfOptionsDelimiter("--end-of-options");
        commandLine.setUnmatchedOptionsArePositionalParams(true);
        // @FILE is lever invoke --args' own (a JSON array of arguments), not picocli's argument files.
        commandLine.setExpandAtFiles(false);
        commandLine.setExecutionExceptionHandler(LeverCommand::reportError);
        // `lever tokens create ci --scope deploy --env a --env b`: one token, several environments.
        commandLine
                .getSubcommands()
                .get("tokens")
                .getSubcommands()
                .get("create")
                .setOverwrittenOptionsAllowed(true);
        return commandLine;
    }

    private static int reportError(Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (error instanceof CliException) {
            err.println("lever: " + error.getMessage());
        } else if (error instanceof ConnectException || error instanceof HttpConnectTimeoutException) {
            err.println("lever: cannot connect (" + error.getMessage()
                    + "); is the platform running? Start it with: lever up");
        } else {
            err.println("lever: unexpected error: " + error);
        }
        err.flush();
        return 1;
    }

    /** This CLI's version, from its jar ("development build" when run from classes). */
    static String version() {
        String version = LeverCommand.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lever " + version()};
        }
    }
}
