package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lever audit [--limit N]}: who changed what, newest first. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Show the newest audit entries, newest first: deploys, environments, tokens, failed"
                + " authentications; who (token), from where, and how it ended (needs an admin token).")
public final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Option(
            names = "--limit",
            defaultValue = "100",
            paramLabel = "N",
            description = "How many entries to show (default: ${DEFAULT-VALUE}; the control plane keeps the"
                    + " newest 1000 in memory, all of them in <data-dir>/audit.log).")
    int limit;

    @Override
    public Integer call() {
        JsonNode entries = lever.global.controlPlane().get("/audit?limit=" + limit);
        Table table = new Table("AT", "TOKEN", "ACTION", "TARGET", "FROM", "OUTCOME", "DETAIL");
        for (JsonNode entry : entries) {
            table.row(
                    entry.path("at").asText(),
                    entry.path("actor").asText("-"),
                    entry.path("action").asText(),
                    entry.path("target").asText(),
                    entry.path("address").asText(),
                    entry.path("outcome").asText(),
                    entry.path("detail").asText(""));
        }
        table.print(System.out);
        return 0;
    }
}
