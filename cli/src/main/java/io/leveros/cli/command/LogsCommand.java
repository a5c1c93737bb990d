package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever logs <service>}: what the service's instances wrote, from every node. */
@Command(
        name = "logs",
        description = {
            "Print what a service's instances wrote to stdout and stderr (--env), from every node, oldest first:",
            "time, version, instance, and the line (stderr lines marked 'err').",
            "Each node keeps the last 10000 lines of each instance (2 MiB at most), and of exited instances",
            "(a crash included) for an hour; a line says so where older ones were dropped."
        })
public final class LogsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @ParentCommand
    LeverCommand lever;

    // Not mixinStandardHelpOptions: its -V/--version would take --version from the version filter.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Option(
            names = {"-f", "--follow"},
            description = "After the kept lines, print each new line as it is written, until Ctrl-C.")
    boolean follow;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description =
                    "Only lines from then on: a time ago (90s, 10m, 2h, 1d) or an instant (2026-12-03T10:00:00Z).")
    String since;

    @Option(names = "--version", paramLabel = "N", description = "Only lines of version N.")
    Long version;

    @Option(names = "--instance", paramLabel = "ID", description = "Only lines of this instance.")
    String instance;

    @Option(names = "--grep", paramLabel = "TEXT", description = "Only lines containing TEXT (case-sensitive).")
    String grep;

    @Option(
            names = {"-n", "--limit"},
            paramLabel = "N",
            defaultValue = "1000",
            description = "At most the newest N kept lines (default: ${DEFAULT-VALUE}; up to 100000).")
    int limit;

    @Option(names = "--json", description = "Print each line as the API gives it (one JSON object per line).")
    boolean json;

    @Override
    public Integer call() {
        if (version != null && version < 1) {
            throw new CliException("--version takes a version number (1, 2, ...), not " + version);
        }
        String path = ControlPlaneClient.servicePath(lever.global.env, service) + "/logs?limit=" + limit
                + (follow ? "&follow=true" : "")
                + (since == null ? "" : "&since=" + encode(since))
                + (version == null ? "" : "&version=" + version)
                + (instance == null ? "" : "&instance=" + encode(instance))
                + (grep == null ? "" : "&grep=" + encode(grep));
        lever.global.controlPlane().lines(path, line -> print(line, json, System.out, System.err));
        return 0;
    }

    /**
     * One line of the API: as it is ({@code --json}), or readable; a node's error goes to {@code err}.
     * Returns the line's {@code time} (epoch ms), 0 when it has none.
     */
    static long print(String line, boolean json, PrintStream out, PrintStream err) {
        JsonNode entry;
        try {
            entry = JSON.readTree(line);
        } catch (IOException e) {
            err.println("lever logs: the control plane sent a line that is not JSON: " + line);
            return 0;
        }
        if (entry.has("error")) {
            err.println("lever logs: " + entry.get("error").asText());
            err.flush();
            return entry.path("time").asLong();
        }
        if (json) {
            out.println(line);
        } else {
            String stream = entry.path("stream").asText();
            out.println(TIME.format(Instant.ofEpochMilli(entry.path("time").asLong()))
                    + (entry.has("version") ? " v" + entry.get("version").asText() : "")
                    + (entry.has("instance") ? " " + entry.get("instance").asText() : "")
                    + (stream.equals("stderr") ? " err " : " ")
                    + entry.path("text").asText());
        }
        out.flush();
        return entry.path("time").asLong();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
