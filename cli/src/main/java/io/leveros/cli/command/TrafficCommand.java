package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever traffic <service> [vN=P ...] [--clear]}: splits a service's calls between kept versions. */
@Command(
        name = "traffic",
        mixinStandardHelpOptions = true,
        description = {
            "Split the calls of a service (--env) between 2 to 4 kept versions, e.g. a canary:",
            "  lever traffic chat v7=90 v8=10",
            "Each plain call goes to a version with its percent's chance (the percents add up to 100); every",
            "call for one resource goes to the same version, and a stream stays on the version it opened on.",
            "The largest share's version is the live one; calls are counted per version in the metrics",
            "(label version). --clear sends every call to the live version again; so does the next deploy",
            "or rollback once its version is live. Without shares, shows the split."
        })
public final class TrafficCommand implements Callable<Integer> {
    private static final Pattern SHARE = Pattern.compile("v?(\\d{1,18})=(\\d{1,3})");

    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
    String service;

    @Parameters(
            index = "1..*",
            arity = "0..*",
            paramLabel = "vN=PERCENT",
            description = "A version and its percent of the calls, e.g. v7=90.")
    List<String> shares = List.of();

    @Option(names = "--clear", description = "Send every call to the live version again.")
    boolean clear;

    @Override
    public Integer call() {
        if (clear && !shares.isEmpty()) {
            throw new CliException("give either shares (v7=90 v8=10) or --clear, not both");
        }
        ControlPlaneClient api = lever.global.controlPlane();
        String path = ControlPlaneClient.servicePath(lever.global.env, service);
        JsonNode after;
        if (clear || !shares.isEmpty()) {
            StringBuilder body = new StringBuilder("{\"shares\": [");
            for (String share : shares) {
                Matcher matcher = SHARE.matcher(share);
                if (!matcher.matches()) {
                    throw new CliException("'" + share + "' is not a share (expected vN=PERCENT, e.g. v7=90)");
                }
                body.append(body.charAt(body.length() - 1) == '[' ? "" : ", ")
                        .append("{\"version\": ")
                        .append(matcher.group(1))
                        .append(", \"percent\": ")
                        .append(matcher.group(2))
                        .append('}');
            }
            after = api.putJson(path + "/traffic", body.append("]}").toString());
        } else {
            after = api.get(path);
        }
        System.out.println(describe(after));
        return 0;
    }

    private String describe(JsonNode service) {
        JsonNode traffic = service.path("traffic");
        if (!traffic.isArray() || traffic.isEmpty()) {
            return this.service + " in " + lever.global.env + ": every call goes to v"
                    + service.path("liveVersion").asLong() + " (no split).";
        }
        StringBuilder text = new StringBuilder(this.service + " in " + lever.global.env + ":");
        for (JsonNode share : traffic) {
            text.append(" v")
                    .append(share.path("version").asLong())
                    .append('=')
                    .append(share.path("percent").asInt())
                    .append('%');
        }
        return text.append(" (v")
                .append(service.path("liveVersion").asLong())
                .append(" is live).")
                .toString();
    }
}
