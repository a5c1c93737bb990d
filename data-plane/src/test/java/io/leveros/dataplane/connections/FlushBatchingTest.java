package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real Vert.x HTTP/2 connections: frames a handler writes outside a read of their connection (as a
 * relay does, while reading the other side) reach the socket in one flush with {@link
 * FlushBatching} (installed by {@link ConnectionTuning}), and in one flush each without it.
 */
class FlushBatchingTest {
    private static final int CHUNKS = 10;

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void framesWrittenInOneTaskLeaveInOneFlush() throws Exception {
        assertThat(socketFlushesForChunksWrittenOnATimer(ConnectionTuning::install))
                .isEqualTo(1);
    }

    @Test
    void withoutItVertxFlushesEveryFrame() throws Exception {
        assertThat(socketFlushesForChunksWrittenOnATimer(connection -> {})).isGreaterThanOrEqualTo(CHUNKS);
    }

    /**
     * Serves one HTTP/2 response whose {@value #CHUNKS} chunks are written together on a timer, and
     * counts the flushes that reach the socket while they are written.
     */
    private int socketFlushesForChunksWrittenOnATimer(Consumer<HttpConnection> onConnection) throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        AtomicInteger flushesWhenWritten = new AtomicInteger(-1);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions())
                .connectionHandler(connection -> {
                    onConnection.accept(connection);
                    ((ConnectionBase) connection).channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                        @Override
                        public void flush(ChannelHandlerContext ctx) {
                            flushes.incrementAndGet();
                            ctx.flush();
                        }
                    });
                })
                .requestHandler(request -> request.response()
                        .setChunked(true)
                        .writeHead()
                        .onSuccess(head -> {
                            vertx.setTimer(20, id -> {
                                int before = flushes.get();
                                for (int i = 0; i < CHUNKS; i++) {
                                    request.response().write(Buffer.buffer("chunk " + i + "\n"));
                                }
                                vertx.runOnContext(v -> {
                                    flushesWhenWritten.set(flushes.get() - before);
                                    request.response().end();
                                });
                            });
                        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send())
                    .compose(response -> response.body())
                    .map(Buffer::toString)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(body).startsWith("chunk 0\n").endsWith("chunk 9\n");
        } finally {
            client.close();
            server.close();
        }
        return flushesWhenWritten.get();
    }
}
