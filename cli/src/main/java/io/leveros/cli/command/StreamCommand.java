package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.cli.CliException;
import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import io.leveros.client.LeverException;
import io.leveros.client.RemoteException;
import io.leveros.core.url.LeverUrl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever stream <url> [jsonargs...]}: a streaming call between stdin/stdout and a method. */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description = {
            "Open a stream to a streaming method (its name ends in Chan or _chan).",
            "Each stdin line is sent as one JSON message; each message received is",
            "printed on a line. With --bytes, stdin is sent as byte chunks and byte",
            "replies are written raw. The end of stdin closes the sending side; the",
            "command exits when the method ends the stream (0), or on an error (1)."
        })
public final class StreamCommand implements Callable<Integer> {
    private static final int CHUNK = 32 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    LeverCommand lever;

    @Parameters(
            index = "0",
            paramLabel = "URL",
            description =
                    "lever://<env>/<service>[/<resource>]/<method>, or /<service>[/<resource>]/<method> in --env.")
    String url;

    @Parameters(index = "1..*", paramLabel = "JSONARG", description = "Arguments, one JSON value each.")
    List<String> args = new ArrayList<>();

    @Option(names = "--bytes", description = "Send stdin as byte chunks and write byte replies raw.")
    boolean bytes;

    @Override
    public Integer call() {
        LeverUrl target = InvokeCommand.parseUrl(url, lever.global.env);
        if (!target.isStreaming()) {
            throw new CliException("'" + target.method() + "' is not a streaming method (streaming names end in Chan"
                    + " or _chan): use lever invoke " + url);
        }
        Object[] arguments = jsonArguments(args);
        AtomicReference<CliException> inputProblem = new AtomicReference<>();
        try (LeverClient client = LeverClient.connect(lever.global.host)) {
            ClientStream stream = client.invokeChanUrl(target.toString(), arguments);
            Thread.ofPlatform().daemon().name("lever-stream-stdin").start(() -> {
                try {
                    if (bytes) {
                        sendBytes(System.in, stream);
                    } else {
                        sendLines(System.in, stream);
                    }
                    stream.close();
                } catch (CliException e) {
                    inputProblem.set(e);
                    stream.cancel();
                } catch (IOException | LeverException e) {
                    stream.cancel();
                }
            });
            PrintStream out = System.out;
            for (ClientStream.Message message : stream) {
                if (message.isBytes()) {
                    out.write(message.bytes(), 0, message.bytes().length);
                } else {
                    out.println(message.json());
                }
                out.flush();
            }
            return 0;
        } catch (RemoteException e) {
            throw new CliException("error from " + target + ": " + e.getMessage());
        } catch (LeverException e) {
            if (inputProblem.get() != null) {
                throw inputProblem.get();
            }
            throw new CliException(e.getMessage());
        }
    }

    private static Object[] jsonArguments(List<String> args) {
        Object[] parsed = new Object[args.size()];
        byte[] body = InvokeCommand.jsonArgs(args); // the same checks and messages as lever invoke
        try {
            JsonNode array = JSON.readTree(body);
            for (int i = 0; i < parsed.length; i++) {
                parsed[i] = array.get(i);
            }
        } catch (IOException e) {
            throw new CliException("arguments are not JSON: " + e.getMessage());
        }
        return parsed;
    }

    private static void sendLines(InputStream in, ClientStream stream) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                stream.send(JSON.readTree(line));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CliException("stdin line " + number + " is not JSON: " + line
                        + " (each line is one JSON message; strings need their quotes; use --bytes for raw data)");
            }
        }
    }

    private static void sendBytes(InputStream in, ClientStream stream) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int read = in.readNBytes(buffer, 0, CHUNK); read > 0; read = in.readNBytes(buffer, 0, CHUNK)) {
            stream.send(Arrays.copyOf(buffer, read));
        }
    }
}
