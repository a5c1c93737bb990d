package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token and audit verbs against a real HTTP server on port 0 that answers like the control plane. */
class TokensCommandTest {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String answer = "{}";
    private int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
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
    void createSendsNameScopeAndTheEnvironmentsOfEnvAndPrintsTheSecretOnce() {
        answer = "{\"name\":\"ci\",\"scope\":\"deploy\",\"token\":\"lvt_secret\"}";
        status = 201;
        Output output =
                run("tokens", "create", "ci", "--scope", "deploy", "--env", "dev.lever", "-E", "qa.lever,x.lever");

        assertThat(output.exit()).isZero();
        assertThat(requests)
                .containsExactly(
                        "POST /api/v1/tokens Bearer t0k "
                                + "{\"name\":\"ci\",\"scope\":\"deploy\",\"environments\":[\"dev.lever\",\"qa.lever\",\"x.lever\"]}");
        assertThat(output.out()).isEqualTo("lvt_secret\n");
        assertThat(output.err()).contains("only time its secret is shown");
    }

    @Test
    void withoutEnvADeployTokenCoversEveryEnvironment() {
        answer = "{\"name\":\"ci\",\"scope\":\"deploy\",\"token\":\"lvt_secret\"}";
        status = 201;
        assertThat(run("tokens", "create", "ci", "--scope", "deploy").exit()).isZero();
        assertThat(requests.getFirst()).endsWith("{\"name\":\"ci\",\"scope\":\"deploy\",\"environments\":[]}");
    }

    @Test
    void listAuditAndRevokeSendTheTokenToo() {
        answer = "[{\"name\":\"root\",\"scope\":\"admin\",\"environments\":[],\"createdAt\":\"2026-12-02T10:00:00Z\","
                + "\"createdBy\":null,\"builtIn\":true}]";
        Output list = run("tokens", "list");
        assertThat(list.out()).contains("root (built in)  admin");
        answer = "[{\"at\":\"2026-12-02T10:00:00Z\",\"actor\":null,\"action\":\"authenticate\","
                + "\"target\":\"GET /api/v1/scaling\",\"address\":\"10.0.0.8\",\"outcome\":\"refused\"}]";
        Output audit = run("audit", "--limit", "5");
        assertThat(audit.out()).contains("authenticate").contains("10.0.0.8").contains("refused");
        status = 204;
        answer = "";
        assertThat(run("tokens", "revoke", "ci").exit()).isZero();

        assertThat(requests)
                .containsExactly(
                        "GET /api/v1/tokens Bearer t0k ",
                        "GET /api/v1/audit?limit=5 Bearer t0k ",
                        "DELETE /api/v1/tokens/ci Bearer t0k ");
    }

    @Test
    void aRefusalIsOneLineNamingWhereTheTokenCameFrom() {
        status = 401;
        answer = "{\"code\":\"UNAUTHORIZED\",\"message\":\"GET /api/v1/tokens needs a token\"}";
        Output output = run("tokens", "list");
        assertThat(output.exit()).isEqualTo(1);
        assertThat(output.err())
                .isEqualTo("lever: GET /api/v1/tokens needs a token (the CLI sent the token given by --token or"
                        + " LEVEROS_TOKEN)\n");
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
            commandLine.setErr(new java.io.PrintWriter(System.err, true));
            int exit = commandLine.execute(args);
            return new Output(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
