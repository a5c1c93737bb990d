package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lever status}: every live version's instances and load, and the latest scaling decisions. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show every live version with instances (all environments): instances now and wanted,"
                + " load, calls in flight, rate, latency, a failing start or the last instance lost; then the"
                + " latest scaling decisions"
                + " and why they were made.")
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Option(
            names = "--decisions",
            defaultValue = "10",
            paramLabel = "N",
            description = "How many of the latest scaling decisions to show (default: ${DEFAULT-VALUE}).")
    int decisions;

    @Override
    public Integer call() {
        JsonNode cluster = lever.global.controlPlane().get("/cluster");
        if (cluster.path("term").asLong() > 0) { // several control planes on one Redis
            System.out.println("Control plane " + cluster.path("controlPlaneId").asText()
                    + (cluster.path("leading").asBoolean()
                            ? " leads (term " + cluster.path("term").asText() + ")."
                            : " follows; " + cluster.path("leaderId").asText() + " leads (term "
                                    + cluster.path("term").asText()
                                    + ") and makes the scaling decisions: ask it for them."));
        }
        JsonNode scaling = lever.global.controlPlane().get("/scaling");
        JsonNode versions = scaling.path("versions");
        if (versions.isEmpty()) {
            System.out.println("No instance runs now; calls start them on demand.");
        } else {
            Table table = new Table(
                    "SERVICE", "VERSION", "INSTANCES", "WANTED", "LOAD", "IN FLIGHT", "RATE", "LATENCY", "PROBLEM");
            for (JsonNode version : versions) {
                table.row(
                        "lever://" + version.path("environment").asText() + "/"
                                + version.path("service").asText(),
                        "v" + version.path("version").asText(),
                        version.path("instances").asText(),
                        version.path("target").asText(),
                        String.format(Locale.ROOT, "%.1f", version.path("load").asDouble()),
                        version.path("inFlight").asText(),
                        String.format(
                                Locale.ROOT,
                                "%.1f/s",
                                version.path("ratePerSecond").asDouble()),
                        String.format(
                                Locale.ROOT,
                                "%.0f ms",
                                version.path("latencySeconds").asDouble() * 1000),
                        firstLine(
                                !version.path("startFailure").asText().isEmpty()
                                        ? version.path("startFailure").asText()
                                        : !version.path("unplaced").asText().isEmpty()
                                                ? version.path("unplaced").asText()
                                                : version.path("lastExit").asText()));
            }
            table.print(System.out);
        }
        JsonNode recent = scaling.path("decisions");
        if (!recent.isEmpty() && decisions > 0) {
            System.out.println();
            Table table = new Table("AT", "SERVICE", "FROM", "TO", "WHY");
            int shown = 0;
            for (JsonNode decision : recent) {
                if (shown++ == decisions) {
                    break;
                }
                table.row(
                        decision.path("at").asText(),
                        "lever://" + decision.path("environment").asText() + "/"
                                + decision.path("service").asText() + " v"
                                + decision.path("version").asText(),
                        decision.path("from").asText(),
                        decision.path("to").asText(),
                        decision.path("reason").asText());
            }
            table.print(System.out);
        }
        return 0;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline) + " ...";
    }
}
