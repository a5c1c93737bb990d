package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import io.leveros.client.LeverException;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.StreamMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming methods end to end through the real platform, over each client protocol (HTTP, WebSocket,
 * gRPC): the original ReqReplyStreamChan in Java and Node, 1 GiB echoed with its SHA-256 checked
 * while the data plane's heap stays bounded, a slow consumer slowing the writer, errors, and the
 * idle-stream timeout (set to a few seconds here).
 */
class StreamingIT {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(6);
    private static final long GIBIBYTE = 1L << 30;
    /** The most data-plane heap in use (garbage included) while streams of any size pass through. */
    private static final long HEAP_BOUND = 256L << 20;
    /** What a stalled gRPC reader sends: more than the windows between it and the instance hold. */
    private static final long STALLED_STREAM_BYTES = 16L << 20;
    /**
     * Its messages' size: small, so that its frames come mixed with the busy stream's in the data
     * plane's reads, each read holding a frame or two of it.
     */
    private static final int STALLED_STREAM_MESSAGE = 16;
    /**
     * The most direct memory the data plane may hold for the stalled stream: its frames waiting
     * there (at most two 1 MiB windows, less here: the frames are small, and most of them are in
     * the instance's window) and the reads behind a few slices, with room for the pools, which grow
     * by whole chunks. Were every frame under 64 KiB of waiting bytes a slice, each would keep its
     * read's buffer and the busy stream's bytes in it: up to 12 MiB in six runs.
     */
    private static final long STALLED_STREAM_HOLD_BOUND = 9L << 20;
    /**
     * The most heap the data plane may hold for a stalled stream of one-byte frames: about none,
     * with room for the collector's noise. Queued one by one, a window's frames held 192 MB.
     */
    private static final long ONE_BYTE_FRAMES_HEAP_BOUND = 16L << 20;
    /**
     * What a client of one-byte frames may send before the windows shut: more than the windows on
     * the way hold (grpc-java's instance widens its own as it measures the link).
     */
    private static final long ONE_BYTE_FRAMES_MAX_SENT = 64L << 20;
    /** How long the window must stay shut for the client to count its stream as stalled. */
    private static final long ONE_BYTE_FRAMES_STALL_MS = 2_000;

    @TempDir
    static Path temp;

    static LeverPlatform platform;

    /** Writers and readers each on a thread of their own (the common pool may have one thread). */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @BeforeAll
    static void deploy() {
        platform = LeverPlatform.start("streaming", "--stream-idle-timeout", IDLE_TIMEOUT.toSeconds() + "s");
        for (Path folder : List.of(TestServices.JAVA_TEST_SERVICE, TestServices.NODE_TEST_SERVICE)) {
            LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        }
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** The original semantics over HTTP: each reply is flushed as its own line as soon as it is made. */
    @ParameterizedTest
    @ValueSource(strings = {"testService", "testServiceJS"})
    void reqReplyOverHttpOneLineAtATime(String service) throws IOException {
        try (RawHttpStream stream = RawHttpStream.open(
                platform.httpPort(), "/" + service + "/ReqReplyStreamChan", "application/json", "[\"some test\"]")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).isEqualTo("application/x-ndjson");
            for (String message : List.of("one", "two", "three")) {
                stream.sendLine("\"" + message + "\"");
                assertThat(stream.readLine()).isEqualTo("\"some test:" + message + " received\"");
            }
            stream.finish();
            assertThat(stream.readLine())
                    .as("the stream ends when the client's side ends")
                    .isNull();
            assertThat(stream.trailers()).doesNotContainKey("lever-error");
        }
    }

    @Test
    void httpBytesEchoedRawAndJsonAndBytesMixed() throws IOException {
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/testService/echoChan", "application/octet-stream", "[]")) {
            stream.send("raw bytes\n\0\1\2".getBytes(StandardCharsets.ISO_8859_1));
            stream.finish();
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(new String(stream.readRest(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("raw bytes\n\0\1\2");
        }
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/testServiceJS/echoChan", "application/json", "[]")) {
            stream.sendLine("{\"a\": [1, 2.5, null, true]}");
            stream.sendLine("\"caf\u00e9\"");
            stream.finish();
            assertThat(new String(stream.readRest(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"a\":[1,2.5,null,true]}\n\"caf\u00e9\"\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"testService", "testServiceJS"})
    void handlerErrorOverHttpEndsTheReplyWithErrorTrailers(String service) throws IOException {
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/" + service + "/failChan", "application/json", "[]")) {
            stream.sendLine("\"first\"");
            assertThat(stream.readLine()).isEqualTo("\"first\"");
            assertThat(stream.readLine()).isNull();
            assertThat(stream.trailers())
                    .containsEntry("lever-error", "service")
                    .containsEntry("lever-error-message", "\"failed mid-stream\"");
        }
    }

    @Test
    void badStreamingRequestsGetClearErrors() throws IOException {
        try (RawHttpStream stream = RawHttpStream.open(
                platform.httpPort(), "/testService/echoChan", "application/json", "{\"not\": \"an array\"}")) {
            assertThat(stream.status()).isEqualTo(400);
            assertThat(new String(stream.readRest(), StandardCharsets.UTF_8))
                    .contains("MALFORMED_REQUEST")
                    .contains("first line of a streaming request must be the JSON array of arguments");
        }
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/testService/echoChan", "application/json", "[]")) {
            stream.sendLine("\"fine\"");
            assertThat(stream.readLine()).isEqualTo("\"fine\"");
            stream.sendLine("{broken");
            assertThat(stream.readLine()).isNull();
            assertThat(stream.trailers()).containsEntry("lever-error", "platform");
            assertThat(stream.trailers().get("lever-error-message"))
                    .contains("MALFORMED_REQUEST")
                    .contains("not valid JSON");
        }
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/noSuchService/echoChan", "application/json", "[]")) {
            assertThat(stream.status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"testService", "testServiceJS"})
    void webSocketClientStreamsJsonAndBytes(String service) throws Exception {
        try (Socket socket = Socket.open("/" + service + "/ReqReplyStreamChan")) {
            socket.text("[\"some test\"]");
            for (String message : List.of("one", "two")) {
                socket.text("\"" + message + "\"");
                assertThat(socket.next()).isEqualTo(new Frame.Text("\"some test:" + message + " received\""));
            }
            socket.text(""); // half-close: the method's stream ends, and so does the call
            assertThat(socket.next()).isEqualTo(new Frame.Close(1000, ""));
        }
        try (Socket socket = Socket.open("/" + service + "/echoChan")) {
            socket.text("[]");
            socket.binary(new byte[] {0, 1, 2, (byte) 255});
            assertThat(socket.next()).isEqualTo(new Frame.Binary(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 255)));
            socket.text("[1,\"two\"]");
            assertThat(socket.next()).isEqualTo(new Frame.Text("[1,\"two\"]"));
            socket.text("");
            assertThat(socket.next()).isEqualTo(new Frame.Close(1000, ""));
        }
    }

    @Test
    void webSocketErrorsAreCloseCodes() throws Exception {
        try (Socket socket = Socket.open("/testService/failChan")) {
            socket.text("[]");
            socket.text("\"first\"");
            assertThat(socket.next()).isEqualTo(new Frame.Text("\"first\""));
            assertThat(socket.next()).isEqualTo(new Frame.Close(4500, "\"failed mid-stream\""));
        }
        try (Socket socket = Socket.open("/testService/echoChan")) {
            socket.binary(new byte[] {1});
            Frame.Close close = (Frame.Close) socket.next();
            assertThat(close.code()).isEqualTo(4400);
            assertThat(close.reason()).contains("first WebSocket message must be the JSON array of arguments");
        }
        assertThatThrownBy(() -> Socket.open("/testService/sayHello"))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(400));
        assertThatThrownBy(() -> Socket.open("/noSuchService/echoChan"))
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(404));
    }

    /**
     * 1 GiB through HTTP and 1 GiB through gRPC at the same time, echoed by a Java instance: every
     * byte comes back in order (SHA-256), and the data plane's heap stays bounded throughout.
     */
    @Test
    void oneGibibyteEchoedThroughHttpAndGrpcWithBoundedDataPlaneHeap() throws Exception {
        try (HeapSampler heap = new HeapSampler(platform.dataPlanePid());
                LeverClient client = LeverClient.connect(platform.httpAddress())) {
            CompletableFuture<String[]> overHttp = CompletableFuture.supplyAsync(() -> echoOverHttp(GIBIBYTE), THREADS);
            String[] overGrpc = echoOverGrpc(client, GIBIBYTE);
            assertThat(overGrpc[1]).as("gRPC: SHA-256 of what came back").isEqualTo(overGrpc[0]);
            String[] http = overHttp.get(5, TimeUnit.MINUTES);
            assertThat(http[1]).as("HTTP: SHA-256 of what came back").isEqualTo(http[0]);
            assertThat(heap.maxUsedBytes())
                    .as("the data plane's heap in use (garbage included) while 2 GiB passed through")
                    .isLessThan(HEAP_BOUND);
        }
    }

    /**
     * A client that stops reading its replies stops its own sending soon after: the data plane does
     * not buffer what the slow side cannot take. Once it reads again, everything arrives intact.
     */
    @Test
    void slowConsumerSlowsTheWriter() throws Exception {
        long total = 256L << 20;
        try (HeapSampler heap = new HeapSampler(platform.dataPlanePid())) {
            AtomicLong sent = new AtomicLong();
            CountDownLatch startReading = new CountDownLatch(1);
            CompletableFuture<String[]> echo =
                    CompletableFuture.supplyAsync(() -> echoOverHttp(total, startReading, sent), THREADS);
            // Quickly: once nothing moves, the idle timeout (a few seconds here) starts counting.
            awaitStalled("the writer stalls while nobody reads the replies", sent, Duration.ofMillis(200));
            assertThat(sent.get())
                    .as("bytes the writer got out while nobody read the replies")
                    .isLessThan(64L << 20);
            startReading.countDown();
            String[] hashes = echo.get(2, TimeUnit.MINUTES);
            assertThat(hashes[1]).isEqualTo(hashes[0]);
            assertThat(heap.maxUsedBytes()).isLessThan(HEAP_BOUND);
        }
    }

    /**
     * A gRPC client that stops reading holds about its stream's windows in the data plane, not the
     * buffers its frames were read into, while a busy stream on the same connections keeps going:
     * the data plane passes a frame on as a slice of its read buffers only while few writes wait for
     * that stream, and gathers the frames behind them into one buffer (docs/data-plane.md, "Copies and
     * what waits"). Once it reads again, everything arrives intact.
     */
    @Test
    @Timeout(180)
    void aStalledGrpcReaderHoldsAboutItsWindowsBesideABusyStream() throws Exception {
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            AtomicBoolean keepEchoing = new AtomicBoolean(true);
            AtomicLong busyEchoed = new AtomicLong();
            CompletableFuture<Void> busy =
                    CompletableFuture.runAsync(() -> echoOverGrpcWhile(client, keepEchoing, busyEchoed), THREADS);
            await("the busy stream's first 64 MiB")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> busy.isDone() || busyEchoed.get() > 64L << 20);
            long before = directMemoryInUse(Math::max);

            ClientStream stalled = client.service("dev.lever", "testService").invokeChan("echoChan");
            AtomicLong sent = new AtomicLong();
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(
                    () -> {
                        MessageDigest digest = sha256();
                        Payload payload = new Payload();
                        for (long offset = 0; offset < STALLED_STREAM_BYTES; offset += Payload.SIZE) {
                            byte[] block = payload.next();
                            digest.update(block);
                            for (int at = 0; at < block.length; at += STALLED_STREAM_MESSAGE) {
                                stalled.send(Arrays.copyOfRange(block, at, at + STALLED_STREAM_MESSAGE));
                                sent.addAndGet(STALLED_STREAM_MESSAGE);
                            }
                        }
                        stalled.close();
                        return HexFormat.of().formatHex(digest.digest());
                    },
                    THREADS);
            awaitStalled("the stalled stream's writer stops", sent, Duration.ofMillis(500));
            Thread.sleep(500); // the instance echoes what it had read; the data plane takes what it can
            long echoedWhileStalled = busyEchoed.get();
            long held = directMemoryInUse(Math::min) - before;
            assertThat(busyEchoed.get())
                    .as("the busy stream goes on beside the stalled one")
                    .isGreaterThan(echoedWhileStalled);
            assertThat(held)
                    .as(
                            "direct memory the data plane holds for a stalled stream (%d KiB sent into it)",
                            sent.get() >> 10)
                    .isLessThan(STALLED_STREAM_HOLD_BOUND);

            keepEchoing.set(false);
            busy.get(1, TimeUnit.MINUTES);
            MessageDigest received = sha256();
            assertThat(readAll(stalled, received)).isEqualTo(STALLED_STREAM_BYTES);
            assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(writer.get(1, TimeUnit.MINUTES));
        }
    }

    /**
     * A client's DATA in one-byte frames, to a stream whose instance has stopped reading, costs the
     * data plane about its bytes: the frames that wait for the instance are gathered into one buffer,
     * not queued one by one (a queued frame costs over a hundred bytes of heap besides its own, so a
     * window of one-byte frames would hold a hundred times the window).
     */
    @Test
    @Timeout(120)
    void oneByteFramesToAStalledStreamHoldAboutTheirBytes() throws Exception {
        long heapBefore = HeapSampler.usedAfterFullGc(platform.dataPlanePid());
        ByteArrayOutputStream rpc = new ByteArrayOutputStream();
        writeGrpcMessage(
                rpc,
                StreamMessage.newBuilder()
                        .setRpc(RPC.newBuilder().setArgs(JSONArray.getDefaultInstance()))
                        .build());
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        StreamMessage message = StreamMessage.newBuilder()
                .setByteMessage(ByteString.copyFrom(new byte[16]))
                .build();
        while (messages.size() < 1 << 20) {
            writeGrpcMessage(messages, message);
        }
        try (RawGrpcStream stream = new RawGrpcStream(
                platform.httpAddress(),
                "/core.LeverRPC/HandleStreamingRPC",
                "lever-url",
                "lever://dev.lever/testService/echoChan")) {
            boolean windowOpen = stream.send(rpc.toByteArray(), 1, ONE_BYTE_FRAMES_STALL_MS);
            long sent = 0;
            // until the instance stops reading and the data plane's window for the client stays shut
            while (windowOpen && sent < ONE_BYTE_FRAMES_MAX_SENT) {
                windowOpen = stream.send(messages.toByteArray(), 1, ONE_BYTE_FRAMES_STALL_MS);
                sent += messages.size();
            }
            long heldHeap = HeapSampler.usedAfterFullGc(platform.dataPlanePid()) - heapBefore;
            assertThat(windowOpen)
                    .as("the window for the client shuts before %d MiB", ONE_BYTE_FRAMES_MAX_SENT >> 20)
                    .isFalse();
            assertThat(heldHeap)
                    .as("heap the data plane holds for a stalled stream of one-byte frames")
                    .isLessThan(ONE_BYTE_FRAMES_HEAP_BOUND);
        }
    }

    /** Waits until {@code sent} has stopped growing (the same twice, {@code poll} apart). */
    private static void awaitStalled(String what, AtomicLong sent, Duration poll) {
        long[] lastSeen = {-1};
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(poll).until(() -> {
            long now = sent.get();
            boolean stalled = now > 0 && now == lastSeen[0];
            lastSeen[0] = now;
            return stalled;
        });
    }

    /** Reads {@code stream}'s messages to its end into {@code digest}: answers how many bytes came. */
    private static long readAll(ClientStream stream, MessageDigest digest) {
        long count = 0;
        for (ClientStream.Message message : stream) {
            byte[] bytes = message.bytes();
            digest.update(bytes);
            count += bytes.length;
        }
        return count;
    }

    /** {@code message} as gRPC frames it: uncompressed, its length, its bytes. */
    private static void writeGrpcMessage(ByteArrayOutputStream to, StreamMessage message) {
        byte[] bytes = message.toByteArray();
        to.write(0);
        to.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        to.writeBytes(bytes);
    }

    /**
     * The direct memory Netty's pools in the data plane hold, sampled five times over a second (the
     * stalled stream has a few seconds before the idle timeout closes it), folded with {@code fold}
     * (the largest or the smallest: the pools grow and shrink by whole chunks).
     */
    private static long directMemoryInUse(LongBinaryOperator fold) throws InterruptedException {
        Long folded = null;
        for (int i = 0; i < 5; i++) {
            String scrape = platform.dataPlaneMetrics();
            long used =
                    (long) PrometheusScrape.sum(scrape, "netty_allocator_memory_used", Map.of("memory_type", "direct"));
            folded = folded == null ? used : fold.applyAsLong(folded, used);
            Thread.sleep(200);
        }
        return folded;
    }

    /** Echoes 64 KiB blocks over one gRPC stream, checking each, until {@code keepEchoing} turns false. */
    private static void echoOverGrpcWhile(LeverClient client, AtomicBoolean keepEchoing, AtomicLong echoed) {
        ClientStream stream = client.service("dev.lever", "testService").invokeChan("echoChan");
        BlockingQueue<byte[]> expected = new LinkedBlockingQueue<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(
                () -> {
                    Payload payload = new Payload();
                    while (keepEchoing.get()) {
                        byte[] block = payload.next().clone();
                        expected.add(block);
                        stream.send(block);
                    }
                    stream.close();
                },
                THREADS);
        for (ClientStream.Message message : stream) {
            assertThat(message.bytes()).isEqualTo(expected.remove());
            echoed.addAndGet(message.bytes().length);
        }
        writer.join();
    }

    /**
     * The data plane relays a gRPC stream's frames as they came, without taking its messages apart:
     * messages a client compresses ({@code grpc-encoding: gzip}) reach the instance, which decodes
     * them, and every echo comes back whole. A plain grpc-java stub, as any gRPC client calls.
     */
    @Test
    @Timeout(60)
    void gzipCompressedGrpcStreamsPassThroughTheDataPlane() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", platform.httpPort(), InsecureChannelCredentials.create())
                .build();
        try {
            Metadata headers = new Metadata();
            headers.put(
                    Metadata.Key.of("lever-url", Metadata.ASCII_STRING_MARSHALLER),
                    "lever://dev.lever/testService//echoChan");
            LeverRPCGrpc.LeverRPCStub stub = LeverRPCGrpc.newStub(channel)
                    .withCompression("gzip")
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            BlockingQueue<StreamMessage> replies = new LinkedBlockingQueue<>();
            CompletableFuture<Status> status = new CompletableFuture<>();
            StreamObserver<StreamMessage> requests = stub.handleStreamingRPC(new StreamObserver<>() {
                @Override
                public void onNext(StreamMessage reply) {
                    replies.add(reply);
                }

                @Override
                public void onError(Throwable failure) {
                    status.complete(Status.fromThrowable(failure));
                }

                @Override
                public void onCompleted() {
                    status.complete(Status.OK);
                }
            });
            requests.onNext(StreamMessage.newBuilder()
                    .setRpc(RPC.newBuilder().setArgs(JSONArray.getDefaultInstance()))
                    .build());
            assertThat(replies.poll(30, TimeUnit.SECONDS))
                    .as("the instance's opening message")
                    .isNotNull();

            byte[] compressible = "lever ".repeat(50_000).getBytes(StandardCharsets.UTF_8); // 300 KB
            for (int i = 0; i < 3; i++) {
                requests.onNext(StreamMessage.newBuilder()
                        .setByteMessage(ByteString.copyFrom(compressible))
                        .build());
                StreamMessage echo = replies.poll(30, TimeUnit.SECONDS);
                assertThat(echo).as("echo %d", i).isNotNull();
                assertThat(echo.getByteMessage().toByteArray()).isEqualTo(compressible);
            }
            requests.onCompleted();
            assertThat(status.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        } finally {
            channel.shutdownNow();
        }
    }

    /** One client connection carries more than HTTP/2's usual 100 open streams at once. */
    @Test
    @Timeout(60)
    void oneConnectionHoldsManyOpenStreams() {
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            List<ClientStream> open = new java.util.ArrayList<>();
            for (int i = 0; i < 150; i++) {
                ClientStream stream = client.service("dev.lever", "testService").invokeChan("echoChan");
                stream.send(i);
                assertThat(stream.receive(Integer.class)).isEqualTo(i);
                open.add(stream);
            }
            open.forEach(ClientStream::close);
        }
    }

    /** A stream that exchanges messages outlives the idle timeout; a silent one is closed after it. */
    @Test
    void silentStreamsAreClosedAfterTheIdleTimeoutBusyOnesAreNot() throws Exception {
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/testService/echoChan", "application/json", "[]")) {
            long busyUntil = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(2).toNanos();
            for (int i = 0; System.nanoTime() < busyUntil; i++) {
                stream.sendLine(Integer.toString(i));
                assertThat(stream.readLine()).isEqualTo(Integer.toString(i));
                Thread.sleep(500);
            }
            long silentSince = System.nanoTime();
            assertThat(stream.readLine()).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - silentSince))
                    .isBetween(IDLE_TIMEOUT.minusMillis(500), IDLE_TIMEOUT.plusSeconds(3));
            assertThat(stream.trailers()).containsEntry("lever-error", "platform");
            assertThat(stream.trailers().get("lever-error-message"))
                    .contains("STREAM_IDLE")
                    .contains("--stream-idle-timeout");
        }
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            ClientStream stream = client.service("dev.lever", "testService").invokeChan("echoChan");
            stream.send("hello");
            assertThat(stream.receive(String.class)).isEqualTo("hello");
            assertThatThrownBy(() -> stream.receive(String.class))
                    .isInstanceOf(LeverException.class)
                    .hasMessageContaining("--stream-idle-timeout");
        }
        try (Socket socket = Socket.open("/testService/echoChan")) {
            socket.text("[]");
            Frame.Close close = (Frame.Close) socket.next();
            assertThat(close.code()).isEqualTo(4408);
        }
    }

    private static String[] echoOverHttp(long total) {
        return echoOverHttp(total, new CountDownLatch(0), new AtomicLong());
    }

    /**
     * Streams {@code total} bytes to echoChan over HTTP while reading the echo; returns the SHA-256
     * of what was sent and of what came back.
     */
    private static String[] echoOverHttp(long total, CountDownLatch startReading, AtomicLong sent) {
        try (RawHttpStream stream =
                RawHttpStream.open(platform.httpPort(), "/testService/echoChan", "application/octet-stream", "[]")) {
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            MessageDigest digest = sha256();
                            Payload payload = new Payload();
                            for (long offset = 0; offset < total; ) {
                                byte[] block = payload.next();
                                int length = (int) Math.min(block.length, total - offset);
                                digest.update(block, 0, length);
                                stream.send(block, 0, length);
                                offset += length;
                                sent.set(offset);
                            }
                            stream.finish();
                            return HexFormat.of().formatHex(digest.digest());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    THREADS);
            startReading.await();
            assertThat(stream.status()).isEqualTo(200);
            MessageDigest received = sha256();
            byte[] buffer = new byte[64 * 1024];
            long count = 0;
            for (int n; (n = stream.read(buffer, 0, buffer.length)) >= 0; ) {
                received.update(buffer, 0, n);
                count += n;
            }
            assertThat(count).isEqualTo(total);
            assertThat(stream.trailers()).doesNotContainKey("lever-error");
            return new String[] {writer.get(1, TimeUnit.MINUTES), HexFormat.of().formatHex(received.digest())};
        } catch (IOException | InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] echoOverGrpc(LeverClient client, long total) throws Exception {
        ClientStream stream = client.service("dev.lever", "testService").invokeChan("echoChan");
        CompletableFuture<String> writer = CompletableFuture.supplyAsync(
                () -> {
                    MessageDigest digest = sha256();
                    Payload payload = new Payload();
                    for (long offset = 0; offset < total; ) {
                        byte[] block = payload.next();
                        digest.update(block);
                        stream.send(block);
                        offset += block.length;
                    }
                    stream.close();
                    return HexFormat.of().formatHex(digest.digest());
                },
                THREADS);
        MessageDigest received = sha256();
        assertThat(readAll(stream, received)).isEqualTo(total);
        return new String[] {writer.get(1, TimeUnit.MINUTES), HexFormat.of().formatHex(received.digest())};
    }

    /** 64 KiB blocks of pseudo-random bytes, each different, so that a lost or reordered block shows. */
    private static final class Payload {
        private final SplittableRandom random = new SplittableRandom(42);
        static final int SIZE = 64 * 1024;
        private final byte[] block = new byte[SIZE];

        byte[] next() {
            for (int i = 0; i < block.length; i += 8) {
                long value = random.nextLong();
                for (int b = 0; b < 8; b++) {
                    block[i + b] = (byte) (value >>> (8 * b));
                }
            }
            return block;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a WebSocket client received. */
    sealed interface Frame {
        record Text(String text) implements Frame {}

        record Binary(List<Byte> bytes) implements Frame {}

        record Close(int code, String reason) implements Frame {}
    }

    /** A WebSocket client (java.net.http) that queues what it receives. */
    static final class Socket implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        private WebSocket webSocket;

        static Socket open(String path) throws Exception {
            Socket socket = new Socket();
            try {
                socket.webSocket = HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create("ws://" + platform.httpAddress() + path), socket)
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the WebSocket handshake failed", e.getCause());
            }
            return socket;
        }

        void text(String message) throws Exception {
            webSocket.sendText(message, true).get(10, TimeUnit.SECONDS);
        }

        void binary(byte[] message) throws Exception {
            webSocket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
        }

        Frame next() throws InterruptedException {
            Frame frame = frames.poll(30, TimeUnit.SECONDS);
            assertThat(frame).as("a WebSocket message or close within 30 s").isNotNull();
            return frame;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(new Frame.Text(text.toString()));
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                List<Byte> message = new java.util.ArrayList<>();
                for (byte b : binary.toByteArray()) {
                    message.add(b);
                }
                frames.add(new Frame.Binary(message));
                binary.reset();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            frames.add(new Frame.Close(statusCode, reason));
            return null;
        }

        @Override
        public void close() {
            webSocket.abort();
        }
    }
}
