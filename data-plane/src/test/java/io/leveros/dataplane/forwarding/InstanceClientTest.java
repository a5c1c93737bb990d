package io.leveros.dataplane.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.tracing.TraceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link InstanceClient#call} reads the instance's answer itself (below Vert.x's gRPC layer): each
 * test has a real h2c server answer as a well- or ill-behaved instance would, and checks what the
 * call becomes.
 */
class InstanceClientTest {
    private static final ServiceRoute ROUTE =
            new ServiceRoute("dev.lever", "hello", "dev.lever/hello/1", null, false, 10, 0, 0, 0, List.of(), -1, 0);
    private static final String URL = "lever://dev.lever/hello/echo";

    private final Vertx vertx = Vertx.vertx();
    private final InstanceClient client = new InstanceClient(vertx);

    @AfterEach
    void close() throws Exception {
        client.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theCallCarriesOneGrpcMessageAndTheReplyMessageComesBackWhole() throws Exception {
        AtomicReference<Buffer> received = new AtomicReference<>();
        AtomicReference<String> leverUrl = new AtomicReference<>();
        Lease lease = instance(request -> request.body().onSuccess(body -> {
            received.set(body);
            leverUrl.set(request.getHeader("lever-url"));
            var response = request.response().putHeader("content-type", "application/grpc");
            Buffer reply = message(Buffer.buffer("the reply, in three DATA frames"));
            response.write(reply.slice(0, 3));
            response.write(reply.slice(3, 10));
            response.write(reply.slice(10, reply.length()));
            response.putTrailer("grpc-status", "0");
            response.end();
        }));

        Buffer reply = call(lease, Buffer.buffer("rpc bytes"));

        assertThat(reply.toString()).isEqualTo("the reply, in three DATA frames");
        assertThat(received.get()).isEqualTo(message(Buffer.buffer("rpc bytes")));
        assertThat(leverUrl.get()).isEqualTo(URL);
    }

    @Test
    void aTrailersOnlyStatusBecomesItsErrorWithItsMessageDecoded() {
        Lease lease = instance(request -> request.response()
                .putHeader("content-type", "application/grpc")
                .putHeader("grpc-status", "3")
                .putHeader("grpc-message", "parameter 0 expects caf%C3%A9, 100%25 sure")
                .end());

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
        assertThat(failure.getMessage()).isEqualTo("parameter 0 expects café, 100% sure");
    }

    @Test
    void anAnswerWithoutAGrpcStatusIsTheInstancesFailure() {
        Lease lease = instance(request -> request.response().setStatusCode(200).end("not gRPC"));

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.INSTANCE_FAILED);
        assertThat(failure.getMessage()).contains("answered HTTP 200 without a grpc-status");
    }

    @Test
    void aReplyThatIsNotOneUncompressedMessageIsTheInstancesFailure() {
        Lease twoMessages = instance(request -> request.response()
                .putHeader("content-type", "application/grpc")
                .putTrailer("grpc-status", "0")
                .end(message(Buffer.buffer("one")).appendBuffer(message(Buffer.buffer("two")))));

        assertThat(failure(twoMessages).getMessage())
                .contains("answered a gRPC message prefix declaring 3 bytes, and 11 bytes after it (expected: exactly"
                        + " one uncompressed gRPC message)");

        Lease noMessage = instance(request -> request.response()
                .putHeader("content-type", "application/grpc")
                .putTrailer("grpc-status", "0")
                .end());

        assertThat(failure(noMessage).getMessage()).contains("answered no complete gRPC message");
    }

    @Test
    void aReplyOverTheMessageLimitIsRefusedWithoutBeingKept() {
        Lease lease = instance(request -> {
            var response = request.response().putHeader("content-type", "application/grpc");
            response.write(Buffer.buffer(new byte[] {0, 0, 0x50, 0, 0})); // a 5 MiB message
            for (int i = 0; i < 5 * 16; i++) {
                response.write(Buffer.buffer(new byte[64 * 1024]));
            }
            response.putTrailer("grpc-status", "0");
            response.end();
        });

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.INSTANCE_FAILED);
        assertThat(failure.getMessage()).contains("answered a reply of more than 4194304 bytes");
    }

    @Test
    void callsFromOneEventLoopShareOneConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        HttpServer server = server(request -> request.body().onSuccess(body -> answer(request, body)), connections);
        Lease lease = lease(server);
        Context loop = vertx.getOrCreateContext();

        List<Buffer> replies = new CompletableFuture<List<Buffer>>() {
            {
                loop.runOnContext(v -> Future.all(IntStream.range(0, 20)
                                .mapToObj(i ->
                                        client.call(lease, URL, TraceContext.NONE, Buffer.buffer("call " + i), 10_000))
                                .toList())
                        .onSuccess(all -> complete(all.list()))
                        .onFailure(this::completeExceptionally));
            }
        }.get(10, TimeUnit.SECONDS);

        assertThat(replies)
                .extracting(Buffer::toString)
                .contains("call 0", "call 19")
                .hasSize(20);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aConnectionLostDuringTheCallIsTheInstancesFailure() {
        Lease lease = instance(request -> request.connection().close());

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.INSTANCE_FAILED);
        assertThat(failure.getMessage()).contains("failed during the call (the connection closed)");
    }

    @Test
    void aCallNotAnsweredInTimeFailsAndItsStreamIsReset() throws Exception {
        CompletableFuture<Throwable> reset = new CompletableFuture<>();
        Lease lease = instance(request -> request.response().exceptionHandler(reset::complete));

        CallException failure = failure(lease, 300);

        assertThat(failure.code()).isEqualTo(ErrorCode.INSTANCE_TIMEOUT);
        assertThat(failure.getMessage()).contains("did not answer " + URL + " within 300 ms");
        assertThat(reset.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamResetException.class);
        assertThat(((StreamResetException) reset.get()).getCode()).isEqualTo(8); // CANCEL
    }

    @Test
    void anotherNodeThatCannotBeReachedDidNotGetTheCall() {
        HttpServer server = server(request -> answer(request, Buffer.buffer()), new AtomicInteger());
        Lease lease = lease(server);
        server.close().await();

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
        assertThat(failure.getMessage()).contains("could not be reached").contains("the call was not delivered");
        assertThat(InstanceClient.notDelivered(lease, failure)).isTrue();
    }

    @Test
    void afterAGoAwayTheNextCallGoesOnANewConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        HttpServer server = server(
                request -> request.body().onSuccess(body -> {
                    answer(request, body);
                    request.connection().goAway(0);
                }),
                connections);
        Lease lease = lease(server);
        Context loop = vertx.getOrCreateContext();

        for (String rpc : List.of("first", "second")) {
            Buffer reply = new CompletableFuture<Buffer>() {
                {
                    loop.runOnContext(v -> client.call(lease, URL, TraceContext.NONE, Buffer.buffer(rpc), 10_000)
                            .onSuccess(this::complete)
                            .onFailure(this::completeExceptionally));
                }
            }.get(10, TimeUnit.SECONDS);
            assertThat(reply.toString()).isEqualTo(rpc);
        }
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aStreamRefusedUnprocessedWasNotDelivered() {
        Lease lease = instance(request -> request.response().reset(7)); // REFUSED_STREAM

        CallException failure = failure(lease);

        assertThat(failure.code()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
        assertThat(failure.getMessage())
                .contains("refused the call unprocessed (the stream was refused (REFUSED_STREAM))")
                .contains("the call was not delivered");
        assertThat(InstanceClient.notDelivered(lease, failure)).isTrue();
    }

    /**
     * A call waits for the other side's HTTP/2 settings: a connection closed before they came was sent
     * nothing but the preface, so its calls were not delivered (an instance shutting down accepted it,
     * then closed it unread).
     */
    @Test
    void aCallOnAConnectionClosedBeforeItsSettingsCameWasNotSent() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<Integer>> framesRead = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> framesRead.complete(readFramesForHalfASecond(listener)));
            Lease lease = Lease.onResourceOwner(
                    SocketAddress.inetSocketAddress(listener.getLocalPort(), "127.0.0.1"), "node-1", 0, ROUTE);

            CallException failure = failure(lease);

            assertThat(framesRead.get(5, TimeUnit.SECONDS))
                    .as("frame types read")
                    .doesNotContain(HEADERS);
            assertThat(failure.code()).as(failure.getMessage()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
            assertThat(failure.getMessage()).contains("the connection closed before its HTTP/2 settings came");
            assertThat(InstanceClient.notDelivered(lease, failure)).isTrue();
        }
    }

    /**
     * A call sent once the other side's settings came may have been processed: when its connection then
     * closes unanswered (the instance crashed), the call failed, and is not placed again.
     */
    @Test
    void aCallOnAConnectionClosedAfterItsSettingsCameFailed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> closeOnceAStreamCame(listener));
            Lease lease = Lease.onResourceOwner(
                    SocketAddress.inetSocketAddress(listener.getLocalPort(), "127.0.0.1"), "node-1", 0, ROUTE);

            CallException failure = failure(lease);

            assertThat(failure.code()).as(failure.getMessage()).isEqualTo(ErrorCode.INSTANCE_FAILED);
            assertThat(InstanceClient.notDelivered(lease, failure)).isFalse();
        }
    }

    private static final int HEADERS = 0x1;
    /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    /**
     * Accepts one connection, never sends its settings, and reads the client's preface and then its
     * frames for half a second; answers the types of the frames read.
     */
    private static List<Integer> readFramesForHalfASecond(ServerSocket listener) {
        List<Integer> types = new ArrayList<>();
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(500);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.skipNBytes(24); // PRI * HTTP/2.0 ...
            while (true) {
                types.add(readFrame(in));
            }
        } catch (SocketTimeoutException e) {
            return types; // the client sent nothing more: the connection closes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accepts one connection, sends its settings, reads the client's frames up to its first HEADERS, closes. */
    private static void closeOnceAStreamCame(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            socket.getOutputStream().write(EMPTY_SETTINGS);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.skipNBytes(24); // PRI * HTTP/2.0 ...
            while (readFrame(in) != HEADERS) {
                // the client's settings, window updates, the settings' acknowledgement
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one HTTP/2 frame; answers its type. */
    private static int readFrame(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        in.skipNBytes(5 + length); // flags, stream id, payload
        return type;
    }

    @Test
    void aCallPastTheLastStreamOfAGoAwayWasNotDeliveredAndTheOneBeforeIsAnswered() throws Exception {
        AtomicReference<HttpServerRequest> first = new AtomicReference<>();
        Lease lease = instance(request -> request.body().onSuccess(body -> {
            if (body.toString().contains("first")) {
                first.set(request); // held: answered once the second call came
                return;
            }
            request.connection().goAway(0, first.get().streamId()); // the second call is past it
            answer(first.get(), message(Buffer.buffer("first")));
        }));
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<Buffer> held = new CompletableFuture<>();
        CompletableFuture<Throwable> refused = new CompletableFuture<>();

        loop.runOnContext(v -> {
            client.call(lease, URL, TraceContext.NONE, Buffer.buffer("first"), 10_000)
                    .onSuccess(held::complete)
                    .onFailure(held::completeExceptionally);
            client.call(lease, URL, TraceContext.NONE, Buffer.buffer("second"), 10_000)
                    .onComplete(done -> refused.complete(done.cause()));
        });

        assertThat(refused.get(10, TimeUnit.SECONDS)).isInstanceOf(CallException.class);
        CallException failure = (CallException) refused.get();
        assertThat(failure.code()).as(failure.getMessage()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
        assertThat(failure.getMessage()).contains("refused the call unprocessed (the stream came after its GOAWAY)");
        assertThat(held.get(10, TimeUnit.SECONDS).toString()).isEqualTo("first");
    }

    /** Answers the call's own message back, with status OK. */
    private static void answer(HttpServerRequest request, Buffer body) {
        request.response()
                .putHeader("content-type", "application/grpc")
                .putTrailer("grpc-status", "0")
                .end(body);
    }

    /** A lease on a real h2c server ({@link #server}). */
    private Lease instance(Handler<HttpServerRequest> handler) {
        return lease(server(handler, new AtomicInteger()));
    }

    /** A real h2c server on a free port, answering every request with {@code handler}, counting its connections. */
    private HttpServer server(Handler<HttpServerRequest> handler, AtomicInteger connections) {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .requestHandler(handler)
                .connectionHandler(connection -> connections.incrementAndGet())
                .listen(0)
                .await();
    }

    private static Lease lease(HttpServer server) {
        return Lease.onResourceOwner(
                SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1"), "node-1", 0, ROUTE);
    }

    private Buffer call(Lease lease, Buffer rpc) throws Exception {
        return client.call(lease, URL, TraceContext.NONE, rpc, 10_000)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private CallException failure(Lease lease) {
        return failure(lease, 10_000);
    }

    private CallException failure(Lease lease, long timeoutMs) {
        Throwable failure = client.call(lease, URL, TraceContext.NONE, Buffer.buffer("rpc"), timeoutMs)
                .toCompletionStage()
                .toCompletableFuture()
                .handle((reply, error) -> error)
                .join();
        assertThat(failure).isInstanceOf(CallException.class);
        return (CallException) failure;
    }

    private static Buffer message(Buffer bytes) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(bytes.length()).appendBuffer(bytes);
    }
}
