package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lever console [--open]}: a one-time sign-in link to the web console. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "Print a link that signs a browser in to the web console as your token (the link carries a one-time"
                    + " code that works once, within 2 minutes; the token itself never leaves this machine).",
            "The console is served by the control plane (--api), e.g. http://127.0.0.1:8090/."
        })
public final class ConsoleCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Option(
            names = "--open",
            description = "Open the link in the desktop's browser (xdg-open) instead of only printing it.")
    boolean open;

    @Override
    public Integer call() {
        JsonNode code = lever.global.controlPlane().postJson("/console/sign-in-codes", "{}");
        String api = lever.global.api.endsWith("/")
                ? lever.global.api.substring(0, lever.global.api.length() - 1)
                : lever.global.api;
        String link = api + code.path("link").asText();
        System.out.println(link);
        System.err.println("Open it within 2 minutes; it signs in once. For another browser, run lever console again.");
        if (open) {
            try {
                new ProcessBuilder("xdg-open", link).inheritIO().start();
            } catch (IOException e) {
                throw new CliException("cannot open a browser (" + e.getMessage() + "); open the link above yourself");
            }
        }
        return 0;
    }
}
