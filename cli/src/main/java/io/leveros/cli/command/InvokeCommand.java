package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leveros.cli.CliException;
import io.leveros.core.json.JsonValues;
import io.leveros.core.json.MalformedJsonException;
import io.leveros.core.url.InvalidLeverUrlException;
import io.leveros.core.url.LeverUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever invoke <url> [jsonargs...]}: calls a method and prints its result. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = {
            "Call a method and print its result as JSON (bytes are written raw).",
            "Each argument is JSON: strings need their quotes, e.g. lever invoke /helloService/sayHello '\"world\"'.",
            "With -- as the only argument, standard input is sent as one byte argument.",
            "Long or generated arguments: --args @args.json (or --args - for standard input), a JSON array",
            "of them, e.g. [\"world\", 42]."
        })
public final class InvokeCommand implements Callable<Integer> {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    LeverCommand lever;

    @Parameters(
            index = "0",
            paramLabel = "URL",
            description =
                    "lever://<env>/<service>[/<resource>]/<method>, or /<service>[/<resource>]/<method> in --env.")
    String url;

    @Parameters(
            index = "1..*",
            paramLabel = "JSONARG",
            description = "Arguments, one JSON value each; or -- for stdin bytes.")
    List<String> args = new ArrayList<>();

    @Option(names = "--pretty", description = "Indent the JSON result.")
    boolean pretty;

    @Option(
            names = "--args",
            paramLabel = "@FILE|-",
            description = "Take the arguments from a file (@FILE) or standard input (-): a JSON array of them,"
                    + " e.g. [\"world\", 42]. Not with JSONARGs.")
    String argsSource;

    @Option(
            names = "--time",
            description = "Print how long the call took (from sending it to the whole answer) on standard error.")
    boolean time;

    @Override
    public Integer call() throws IOException {
        GlobalOptions global = lever.global;
        LeverUrl target = parseUrl(url, global.env);
        if (target.isStreaming()) {
            throw new CliException("'" + target.method() + "' is a streaming method: use lever stream " + url);
        }
        String contentType = "application/json";
        byte[] body;
        if (argsSource != null) {
            if (!args.isEmpty()) {
                throw new CliException("--args " + argsSource + " gives the arguments, so there can be no JSONARG "
                        + "as well (found: " + String.join(" ", args) + "); put them all in the array");
            }
            body = argsArray(argsSource, readArgs(argsSource));
        } else if (args.size() == 1 && args.getFirst().equals("--")) {
            contentType = "application/octet-stream";
            body = System.in.readAllBytes();
        } else {
            body = jsonArgs(args);
        }
        long started = System.nanoTime();
        HttpResponse<byte[]> response = global.dataPlane().call(target, contentType, body);
        if (time) {
            System.err.printf("lever: %s took %.1f ms%n", target, (System.nanoTime() - started) / 1e6);
        }
        return print(target, response);
    }

    private static byte[] readArgs(String source) throws IOException {
        if (source.equals("-")) {
            return System.in.readAllBytes();
        }
        if (!source.startsWith("@") || source.length() == 1) {
            throw new CliException("--args " + source + ": expected @FILE (a file holding a JSON array of the "
                    + "arguments, e.g. --args @args.json) or - (the same from standard input)");
        }
        Path file = Path.of(source.substring(1));
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException("--args " + source + ": there is no file " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new CliException("--args " + source + ": cannot read " + file.toAbsolutePath() + ": " + e);
        }
    }

    /** The call's body from what {@code --args} read: checked to be one JSON array, sent as it was written. */
    static byte[] argsArray(String source, byte[] text) {
        try {
            JsonValues.parseArgs(text);
            return text;
        } catch (MalformedJsonException e) {
            throw new CliException("--args " + source + ": " + e.getMessage());
        }
    }

    static LeverUrl parseUrl(String text, String env) {
        try {
            LeverUrl parsed = LeverUrl.parse(text);
            return parsed.isAbsolute() ? parsed : parsed.withEnvironment(env);
        } catch (InvalidLeverUrlException e) {
            throw new CliException(e.getMessage());
        }
    }

    static byte[] jsonArgs(List<String> args) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            try {
                body.append(i == 0 ? "" : ",").append(JsonValues.toJsonString(JsonValues.parse(arg)));
            } catch (MalformedJsonException e) {
                throw new CliException(
                        "argument " + (i + 1) + " is not JSON: " + arg + " (strings need their quotes, e.g. '\"" + arg
                                + "\"'; numbers, true, false, null, [..] and {..} are fine)");
            }
        }
        return body.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private int print(LeverUrl target, HttpResponse<byte[]> response) throws IOException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        boolean json = contentType.startsWith("application/json");
        int status = response.statusCode();
        if (status == 200) {
            PrintStream out = System.out;
            if (!json) {
                out.write(response.body());
            } else if (pretty) {
                out.print(PRETTY.writeValueAsString(PRETTY.readTree(response.body())));
                out.println();
            } else {
                out.write(response.body());
                out.println();
            }
            out.flush();
            return 0;
        }
        boolean fromService = response.headers()
                .firstValue("Lever-Error")
                .map("service"::equals)
                .orElse(false);
        if (fromService) {
            String error = json ? new String(response.body(), StandardCharsets.UTF_8) : describeBytes(response.body());
            throw new CliException("error from " + target + ": " + error);
        }
        throw new CliException(platformMessage(response, json));
    }

    private static String platformMessage(HttpResponse<byte[]> response, boolean json) {
        if (json) {
            try {
                JsonNode body = PRETTY.readTree(response.body());
                if (body.hasNonNull("message")) {
                    return body.get("message").asText() + " (HTTP " + response.statusCode() + ")";
                }
            } catch (IOException e) {
                // fall through to the raw text
            }
        }
        return "HTTP " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String describeBytes(byte[] bytes) {
        return bytes.length + " bytes: " + new String(bytes, StandardCharsets.UTF_8);
    }
}
