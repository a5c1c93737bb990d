package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
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
import java.lang.reflect.Field;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real Vert.x HTTP/2 connections, tuned and not: frames a handler writes outside a read of their
 * connection (as a relay does, while reading the other side) reach the socket in one flush ({@link
 * FlushBatching}), and in one flush each without it; a body of many DATA frames, which arrive split
 * across socket reads, is echoed byte for byte while the frame decoders read across reads (the
 * composite cumulator) instead of copying them together (Netty's default).
 */
class ConnectionTuningTest {
    private static final int CHUNKS = 10;
    private static final int BODY_BYTES = 4 * 1024 * 1024;

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
    void untunedVertxFlushesEveryFrame() throws Exception {
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
            // body() asked for on the event loop, before the answer can end: see GrpcIngressTest.rawGrpcCall
            String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send().compose(response -> response.body()))
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

    @Test
    void framesAreReadAcrossSocketReadsAndTheBodyArrivesWhole() throws Exception {
        List<ByteToMessageDecoder.Cumulator> cumulators = echoFourMebibytes(ConnectionTuning::install);
        assertThat(cumulators).hasSize(2).containsOnly(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    }

    @Test
    void untunedVertxCopiesReadsTogether() throws Exception {
        List<ByteToMessageDecoder.Cumulator> cumulators = echoFourMebibytes(connection -> {});
        assertThat(cumulators).hasSize(2).containsOnly(ByteToMessageDecoder.MERGE_CUMULATOR);
    }

    /**
     * Echoes a random body through a server and a client whose connections {@code onConnection}
     * sees; checks the echo and returns the cumulators of both sides' HTTP/2 handlers.
     */
    private List<ByteToMessageDecoder.Cumulator> echoFourMebibytes(Consumer<HttpConnection> onConnection)
            throws Exception {
        List<ByteToMessageDecoder.Cumulator> cumulators = new CopyOnWriteArrayList<>();
        Consumer<HttpConnection> seen = connection -> {
            onConnection.accept(connection);
            cumulators.add(cumulatorOf(
                    ((ConnectionBase) connection).channel().pipeline().get(Http2ConnectionHandler.class)));
        };
        HttpServer server = vertx.createHttpServer(new HttpServerOptions())
                .connectionHandler(seen::accept)
                .requestHandler(request ->
                        request.body().onSuccess(body -> request.response().end(body)));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false))
                .withConnectHandler(seen::accept)
                .build();
        byte[] body = new byte[BODY_BYTES];
        new SplittableRandom(7).nextBytes(body);
        try {
            Buffer echoed = client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send(Buffer.buffer(body)).compose(response -> response.body()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertThat(echoed.getBytes()).isEqualTo(body);
        } finally {
            client.close();
            server.close();
        }
        return cumulators;
    }

    private static ByteToMessageDecoder.Cumulator cumulatorOf(Http2ConnectionHandler handler) {
        try {
            Field cumulator = ByteToMessageDecoder.class.getDeclaredField("cumulator");
            cumulator.setAccessible(true);
            return (ByteToMessageDecoder.Cumulator) cumulator.get(handler);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Netty's ByteToMessageDecoder has no cumulator field any more", e);
        }
    }
}
