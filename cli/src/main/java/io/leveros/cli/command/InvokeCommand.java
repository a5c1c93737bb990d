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
            "With -- as the only argument, standard input is sent as one byte argument."
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

    @Override
    public Integer call() throws IOException {
        GlobalOptions global = lever.global;
        LeverUrl target = parseUrl(url, global.env);
        if (target.isStreaming()) {
            throw new CliException("'" + target.method() + "' is a streaming method: use lever stream " + url);
        }
        HttpResponse<byte[]> response;
        if (args.size() == 1 && args.getFirst().equals("--")) {
            response = global.dataPlane().call(target, "application/octet-stream", System.in.readAllBytes());
        } else {
            response = global.dataPlane().call(target, "application/json", jsonArgs(args));
        }
        return print(target, response);
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
