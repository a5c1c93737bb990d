package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code lever resources} against a real HTTP server on port 0 that answers like the control plane. */
class ResourcesCommandTest {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile String answer = "[]";
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            byte[] reply = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void listsEachResourceWithItsInstanceNodeAgeAndLastCall() {
        Instant now = Instant.now();
        answer = "[{\"resource\":\"room/42\",\"version\":3,\"node\":\"node-a\",\"instance\":\"i-7\",\"epoch\":17,"
                + "\"boundAt\":\"" + now.minus(Duration.ofSeconds(150)) + "\",\"lastCall\":\""
                + now.minus(Duration.ofSeconds(5)) + "\"},"
                + "{\"resource\":\"héllo wörld\",\"version\":3,\"node\":\"node-b\",\"instance\":null,\"epoch\":18,"
                + "\"boundAt\":\"" + now.minus(Duration.ofHours(3)) + "\",\"lastCall\":null}]";
        Output output = run("resources", "chat", "--env", "qa.lever");

        assertThat(output.exit()).as(output.err()).isZero();
        assertThat(requests).containsExactly("GET /api/v1/environments/qa.lever/services/chat/resources");
        assertThat(output.out().lines().toList())
                .containsExactly(
                        "RESOURCE     VERSION  INSTANCE  NODE    AGE  LAST CALL",
                        "room/42      v3       i-7       node-a  2m   5s ago",
                        "héllo wörld  v3       -         node-b  3h   -");
    }

    @Test
    void anEmptyListSaysHowAResourceGetsBound() {
        Output output = run("resources", "chat");
        assertThat(output.exit()).isZero();
        assertThat(requests).containsExactly("GET /api/v1/environments/dev.lever/services/chat/resources");
        assertThat(output.out())
                .isEqualTo(
                        "No resource of chat is bound in dev.lever; a call to /chat/<resource>/<method> binds one.\n");
    }

    @Test
    void anUnknownServiceIsOneLine() {
        status = 404;
        answer = "{\"code\":\"SERVICE_NOT_FOUND\",\"message\":\"service 'chat' not found in environment 'dev.lever'\"}";
        Output output = run("resources", "chat");
        assertThat(output.exit()).isEqualTo(1);
        assertThat(output.err()).contains("service 'chat' not found in environment 'dev.lever'");
    }

    @Test
    void helpSaysWhatIsListedAndHowResourcesAreBound() {
        Output output = run("resources", "--help");
        assertThat(output.exit()).isZero();
        assertThat(output.out())
                .contains("Usage: lever resources")
                .contains("SERVICE")
                .contains("--env")
                .contains("resourceIdleTimeout");
        assertThat(run("--help").out()).contains("resources");
    }

    private record Output(int exit, String out, String err) {}

    private Output run(String... verb) {
        String[] args = new String[verb.length + 4];
        args[0] = "--api";
        args[1] = "http://127.0.0.1:" + server.getAddress().getPort();
        args[2] = "--token";
        args[3] = "t0k";
        System.arraycopy(verb, 0, args, 4, verb.length);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            var commandLine = LeverCommand.commandLine();
            commandLine.setOut(new PrintWriter(System.out, true));
            commandLine.setErr(new PrintWriter(System.err, true));
            int exit = commandLine.execute(args);
            return new Output(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
