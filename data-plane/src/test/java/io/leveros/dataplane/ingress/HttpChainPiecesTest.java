package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS, method filter, body limit and error replies, each on a real Vert.x server. */
class HttpChainPiecesTest {
    static final int LIMIT = 16;
    static BlockedThreadWatch blocked;
    static Vertx vertx;
    static HttpServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
        server = vertx.createHttpServer()
                .requestHandler(request -> {
                    try {
                        Cors.apply(request.getHeader("Origin"), request.response());
                        if (!MethodFilter.isCall(request.method(), request.path(), request.response())) {
                            return;
                        }
                        BodyReader.read(request, LIMIT, vertx, 30_000).onComplete(body -> {
                            if (body.succeeded()) {
                                request.response()
                                        .end(Buffer.buffer(
                                                "read " + body.result().length()));
                            } else {
                                // No close after it: the client may still be sending the body and would
                                // see a reset instead of the answer (the real handler drains first).
                                HttpReplies.error(request.response(), body.cause());
                            }
                        });
                    } catch (CallException e) {
                        HttpReplies.error(request.response(), e);
                    }
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        http = new Http(server.actualPort());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        blocked.close();
        assertThat(blocked.warnings()).isEmpty();
    }

    @Test
    void corsEchoesTheOriginOnlyWhenThereIsOne() throws Exception {
        HttpResponse<String> with = http.send(HttpRequest.newBuilder(http.uri("/s/m"))
                .header("Origin", "https://app.example")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(with.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        assertThat(with.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization");
        HttpResponse<String> without = http.post("/s/m", null, "x".getBytes());
        assertThat(without.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void optionsIs200AndOtherMethodsAre405() throws Exception {
        HttpResponse<String> options = http.send(
                HttpRequest.newBuilder(http.uri("/s/m")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, OPTIONS");
        HttpResponse<String> put =
                http.send(HttpRequest.newBuilder(http.uri("/s/m")).PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Lever-Error")).hasValue("platform");
        assertThat(put.body()).contains("\"code\":\"METHOD_NOT_ALLOWED\"").contains("HTTP method PUT");
    }

    @Test
    void bodiesUnderTheLimitAreRead() throws Exception {
        assertThat(http.post("/s/m", null, new byte[LIMIT - 1]).body()).isEqualTo("read 15");
    }

    @Test
    void aDeclaredLengthAtTheLimitIs413() throws Exception {
        HttpResponse<String> response = http.post("/s/m", null, new byte[LIMIT]);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("PAYLOAD_TOO_LARGE").contains("less than 16 bytes");
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIs413() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/s/m"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[100]))));
        assertThat(response.statusCode()).isEqualTo(413);
    }
}
