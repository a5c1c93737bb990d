package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lever tokens list|create|revoke}: named API tokens (admin scope). */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        description = "List, create or revoke named tokens for the control plane's API (needs an admin token).",
        subcommands = {TokensCommand.ListTokens.class, TokensCommand.Create.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Runnable {
    @ParentCommand
    LeverCommand lever;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: list, create or revoke");
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the tokens (never their secrets); root is the built-in one in <data-dir>/token.")
    static final class ListTokens implements Runnable {
        @ParentCommand
        TokensCommand tokens;

        @Override
        public void run() {
            Table table = new Table("NAME", "SCOPE", "ENVIRONMENTS", "CREATED", "BY");
            for (JsonNode token : tokens.lever.global.controlPlane().get("/tokens")) {
                table.row(
                        token.path("name").asText() + (token.path("builtIn").asBoolean() ? " (built in)" : ""),
                        token.path("scope").asText(),
                        environments(token),
                        token.path("createdAt").asText("-"),
                        token.path("createdBy").asText("-"));
            }
            table.print(System.out);
        }

        private static String environments(JsonNode token) {
            if (!token.path("scope").asText().equals("deploy")) {
                return "-";
            }
            List<String> names = new ArrayList<>();
            token.path("environments").forEach(environment -> names.add(environment.asText()));
            return names.isEmpty() ? "all" : String.join(",", names);
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a named token and print its secret, once: only its hash is kept.",
                "Scopes: read (every read, lever.json config values redacted), deploy (read, and deploying to"
                        + " the --env environments, or to all without --env; sees their config), admin"
                        + " (everything)."
            },
            footer = {
                "",
                "The environments of a deploy token: --env/-E on this command line, repeated or comma-separated.",
                "Example: lever tokens create ci --scope deploy --env dev.lever --env qa.lever"
            })
    static final class Create implements Runnable {
        @ParentCommand
        TokensCommand tokens;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "1 to 63 of a-z, 0-9, '.', '_', '-', e.g. ci.")
        String name;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "read, deploy or admin.")
        String scope;

        @Override
        public void run() {
            ObjectNode body =
                    JsonNodeFactory.instance.objectNode().put("name", name).put("scope", scope);
            ArrayNode environments = body.putArray("environments");
            // The global --env/-E, given on this command line (repeatable here), names a deploy token's environments.
            CommandLine.Model.OptionSpec env =
                    spec.commandLine().getParseResult().matchedOption("--env");
            if (env != null) {
                for (String given : env.originalStringValues()) {
                    for (String environment : given.split(",")) {
                        if (!environment.isBlank()) {
                            environments.add(environment.trim());
                        }
                    }
                }
            }
            JsonNode created = tokens.lever.global.controlPlane().postJson("/tokens", body.toString());
            System.out.println(created.path("token").asText());
            System.err.println("Created token '" + name + "' (scope "
                    + created.path("scope").asText()
                    + "). This is the only time its secret is shown: keep it now (e.g. LEVEROS_TOKEN=... lever"
                    + " status).");
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a named token (not root).")
    static final class Revoke implements Runnable {
        @ParentCommand
        TokensCommand tokens;

        @Parameters(index = "0", paramLabel = "NAME", description = "The token to revoke.")
        String name;

        @Override
        public void run() {
            tokens.lever.global.controlPlane().delete("/tokens/" + ControlPlaneClient.segment(name));
            System.out.println("Revoked token " + name + ": calls made with it now get 401.");
        }
    }
}
