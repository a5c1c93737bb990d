package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.metrics.CallMetricsTest;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Snapshots;
import io.leveros.dataplane.testing.TestDataPlane;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code core.LeverRPC/HandleRPC} through the public port, as the original clients call it. */
class GrpcIngressTest {
    static final ServiceMethod<RPCReply, RPC> HANDLE_RPC = ServiceMethod.client(
            ServiceName.create("core", "LeverRPC"),
            "HandleRPC",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(RPCReply.getDefaultInstance()));

    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;
    static Vertx vertx;
    static GrpcClient client;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane);
        controlPlane.push(routes(1, Snapshots.FORWARDING_KEY));
        await().until(() -> dataPlane.routing().ready());
        vertx = Vertx.vertx();
        client = GrpcClient.client(
                vertx,
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    static RoutingSnapshot routes(long revision, String forwardingKey) {
        return snapshot(
                        revision,
                        "dev.lever",
                        service("hello", version(1, testInstanceArgv())),
                        service("secret", version(1, testInstanceArgv()).setPrivate(true)),
                        service("idle", version(1, testInstanceArgv())),
                        service("refusing", version(1, testInstanceArgv())))
                .toBuilder()
                .addEnvironments(Environment.newBuilder().setName("staging.lever"))
                .setForwardingKey(forwardingKey)
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dataPlane.close();
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    record Outcome(GrpcStatus status, String message, RPCReply reply) {}

    static Outcome call(int port, String leverUrl, RPC rpc) throws Exception {
        return call(port, leverUrl, rpc, Map.of());
    }

    static Outcome call(int port, String leverUrl, RPC rpc, Map<String, String> headers) throws Exception {
        return client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), HANDLE_RPC)
                .compose(request -> {
                    if (leverUrl != null) {
                        request.headers().set("lever-url", leverUrl);
                    }
                    headers.forEach(request.headers()::set);
                    return request.send(rpc);
                })
                .compose(response -> collect(response))
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    /**
     * The call's outcome once its response ended, through {@code last()} (failed for a status other
     * than OK), which also completes for a response that ended before this was called. Handlers set
     * here instead could miss the end: when the request was made on the test's thread this runs
     * there, racing the event loop, and a trailers-only error could end first (the test hung).
     */
    static io.vertx.core.Future<Outcome> collect(GrpcClientResponse<RPC, RPCReply> response) {
        return response.last()
                .transform(last -> io.vertx.core.Future.succeededFuture(new Outcome(
                        response.status(),
                        response.statusMessage() != null ? response.statusMessage() : String.valueOf(last.cause()),
                        last.succeeded() ? last.result() : null)));
    }

    static RPC args(String... strings) {
        JSONArray.Builder array = JSONArray.newBuilder();
        for (String s : strings) {
            array.addElement(JsonValues.of(s));
        }
        return RPC.newBuilder().setArgs(array).build();
    }

    @Test
    void theCallersTraceparentMetadataReachesTheInstance() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Outcome outcome =
                call(dataPlane.port(), "lever://dev.lever/hello/headers", args(), Map.of("traceparent", traceparent));
        assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
        assertThat(outcome.reply().getResult().getJsonObject().getPropertyList())
                .anySatisfy(property -> {
                    assertThat(property.getName()).isEqualTo("traceparent");
                    assertThat(property.getValue().getJsonString()).isEqualTo(traceparent);
                });
    }

    @Test
    void handleRpcIsRelayedToTheInstance() throws Exception {
        Outcome outcome = call(dataPlane.port(), "lever://dev.lever/hello/echo", args("world"));
        assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
        assertThat(outcome.reply().getResult().getJsonArray())
                .isEqualTo(args("world").getArgs());
        Outcome relative = call(dataPlane.port(), "/hello/fail", args("x"));
        assertThat(relative.reply().getError()).isEqualTo(JsonValues.of("error sent: x"));
    }

    @Test
    void instanceStatusesPassThrough() throws Exception {
        Outcome outcome = call(dataPlane.port(), "lever://dev.lever/hello/nope", args());
        assertThat(outcome.status()).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(outcome.message()).contains("method 'nope' not found");
    }

    @Test
    void routingErrorsAreGrpcStatuses() throws Exception {
        assertThat(call(dataPlane.port(), "lever://dev.lever/nothing/echo", args())
                        .status())
                .isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(call(dataPlane.port(), "lever://nowhere/hello/echo", args()).status())
                .isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(call(dataPlane.port(), "not a url", args()).status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(call(dataPlane.port(), null, args()).status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        Outcome secret = call(dataPlane.port(), "lever://dev.lever/secret/id", args());
        assertThat(secret.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
        assertThat(secret.message()).contains("private");
        assertThat(call(dataPlane.gatewayPort(), "/secret/id", args(), instanceToken())
                        .status())
                .isEqualTo(GrpcStatus.OK);
    }

    /**
     * A stream's routing errors come from the frame relay as a trailers-only answer with the same
     * statuses and messages as a call's; gRPC-Web, which the relay does not take, is told so.
     */
    @Test
    void streamRoutingErrorsAreTrailersOnlyStatuses() throws Exception {
        Buffer empty = Buffer.buffer().appendByte((byte) 0).appendInt(0);

        Map<String, String> noService =
                rawGrpcCall("HandleStreamingRPC", "lever://dev.lever/nothing/echoChan", empty, "application/grpc");
        assertThat(noService).containsEntry("grpc-status", "5"); // NOT_FOUND
        assertThat(QueryStringDecoder.decodeComponent(noService.get("grpc-message")))
                .contains("nothing");

        Map<String, String> noUrl = rawGrpcCall("HandleStreamingRPC", "not a url", empty, "application/grpc");
        assertThat(noUrl).containsEntry("grpc-status", "3"); // INVALID_ARGUMENT
        assertThat(QueryStringDecoder.decodeComponent(noUrl.get("grpc-message")))
                .startsWith("invalid lever-url");

        Map<String, String> grpcWeb = rawGrpcCall(
                "HandleStreamingRPC", "lever://dev.lever/hello/echoChan", empty, "application/grpc-web+proto");
        assertThat(grpcWeb).containsEntry("grpc-status", "12"); // UNIMPLEMENTED
        assertThat(QueryStringDecoder.decodeComponent(grpcWeb.get("grpc-message")))
                .contains("gRPC-Web");
    }

    /**
     * A gRPC stream goes to its instance and back frame by frame: the messages as they were sent, then
     * the instance's status in the trailers. One message is larger than the streams' 1 MiB windows, so
     * both directions go on only as the relay gives the windows back.
     */
    @Test
    void aStreamsMessagesAndStatusPassThroughTheRelay() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024];
        Arrays.fill(large, (byte) 7);
        Buffer messages =
                grpcMessage("one".getBytes()).appendBuffer(grpcMessage(large)).appendBuffer(grpcMessage(new byte[0]));

        Map<String, String> answer = new HashMap<>();
        Buffer echoed = h2c().request(
                        HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/HandleStreamingRPC")
                .compose(request -> {
                    // body() is asked for on the event loop, before the answer can end (see rawGrpcCall)
                    var answered = request.response()
                            .compose(response -> response.body().onSuccess(body -> {
                                response.headers().forEach(answer::put);
                                response.trailers().forEach(answer::put);
                            }));
                    request.putHeader("content-type", "application/grpc")
                            .putHeader("te", "trailers")
                            .putHeader("lever-url", "lever://dev.lever/hello/echoChan")
                            .setChunked(true);
                    request.write(messages.slice(0, 3));
                    request.write(messages.slice(3, messages.length()));
                    request.end();
                    return answered;
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        assertThat(echoed.getBytes()).isEqualTo(messages.getBytes());
        assertThat(answer).containsEntry("content-type", "application/grpc").containsEntry("grpc-status", "0");
    }

    /**
     * A gRPC stream holds its instance while open; its client's reset cancels the instance's side and
     * lets go of the instance.
     */
    @Test
    void aStreamItsClientResetsLetsGoOfItsInstance() throws Exception {
        String inFlight = "lever_dataplane_calls_in_flight{environment=\"dev.lever\",service=\"hello\",version=\"1\"}";
        var echoedOnce = new CompletableFuture<Void>();
        var request = h2c().request(HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/HandleStreamingRPC")
                .compose(opened -> {
                    opened.response().onSuccess(response -> response.handler(data -> echoedOnce.complete(null)));
                    opened.putHeader("content-type", "application/grpc")
                            .putHeader("te", "trailers")
                            .putHeader("lever-url", "lever://dev.lever/hello/echoChan")
                            .setChunked(true);
                    return opened.write(grpcMessage("one".getBytes())).map(opened);
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        echoedOnce.get(30, TimeUnit.SECONDS);
        assertThat(CallMetricsTest.parse(dataPlane.metrics().scrape())).containsEntry(inFlight, "1.0");

        request.reset();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        CallMetricsTest.parse(dataPlane.metrics().scrape()))
                .containsEntry(inFlight, "0.0"));
    }

    /**
     * A stream its instance refuses unprocessed after the client's first message went out to it (an
     * instance shutting down) is opened on another instance, with that message: the client sees
     * nothing of it but the time a new instance takes to start.
     */
    @Test
    void aStreamItsInstanceRefusesGoesToAnotherWithWhatTheClientSent() throws Exception {
        assertThat(call(dataPlane.port(), "lever://dev.lever/refusing/refuseNextStream", args())
                        .status())
                .isEqualTo(GrpcStatus.OK);
        Buffer one = grpcMessage("one".getBytes());
        Buffer two = grpcMessage("two".getBytes());

        Map<String, String> answer = new HashMap<>();
        Buffer echoed = Buffer.buffer();
        HttpClient http = h2c();
        try {
            http.request(HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/HandleStreamingRPC")
                    .compose(request -> {
                        var ended = request.response().compose(response -> {
                            Promise<Void> end = Promise.promise();
                            response.handler(data -> {
                                echoed.appendBuffer(data);
                                if (echoed.length() == one.length()) { // "one" came back: then "two", and the end
                                    request.end(two);
                                }
                            });
                            response.endHandler(v -> {
                                response.headers().forEach(answer::put);
                                response.trailers().forEach(answer::put);
                                end.complete();
                            });
                            return end.future();
                        });
                        request.putHeader("content-type", "application/grpc")
                                .putHeader("te", "trailers")
                                .putHeader("lever-url", "lever://dev.lever/refusing/echoChan")
                                .setChunked(true);
                        request.write(one);
                        return ended;
                    })
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } finally {
            http.close();
        }

        assertThat(answer).containsEntry("grpc-status", "0");
        assertThat(echoed.getBytes()).isEqualTo(one.copy().appendBuffer(two).getBytes());
    }

    /** A bare HTTP/2 client (h2c, prior knowledge, no gRPC library); close it, or the test's Vert.x does. */
    private static HttpClient h2c() {
        return vertx.createHttpClient(
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    /**
     * A gRPC stream whose client went away while its instance started lets go of the instance once
     * it is opened: nothing stays in flight, so the instance can idle out.
     */
    @Test
    void aStreamCancelledWhileItsInstanceStartsHoldsNothing() throws Exception {
        HttpClient http = h2c();
        try {
            http.request(HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/HandleStreamingRPC")
                    .compose(request -> {
                        request.putHeader("content-type", "application/grpc")
                                .putHeader("te", "trailers")
                                .putHeader("lever-url", "lever://dev.lever/idle/echoChan")
                                .setChunked(true);
                        return request.sendHead().compose(sent -> request.reset());
                    })
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } finally {
            http.close();
        }
        // A call waits for the same start; once it is answered the stream's side has been opened too.
        assertThat(call(dataPlane.port(), "lever://dev.lever/idle/echo", args("x"))
                        .status())
                .isEqualTo(GrpcStatus.OK);
        String inFlight = "lever_dataplane_calls_in_flight{environment=\"dev.lever\",service=\"idle\",version=\"1\"}";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        CallMetricsTest.parse(dataPlane.metrics().scrape()))
                .containsEntry(inFlight, "0.0"));
    }

    @Test
    void theGatewayTakesRunningInstancesOnlyInTheirOwnEnvironment() throws Exception {
        Outcome noToken = call(dataPlane.gatewayPort(), "/secret/id", args());
        assertThat(noToken.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(noToken.message()).contains("no 'lever-instance-token'");
        Outcome forged =
                call(dataPlane.gatewayPort(), "/secret/id", args(), Map.of("lever-instance-token", "0".repeat(48)));
        assertThat(forged.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(forged.message()).contains("not one of a running instance");
        Outcome otherEnv = call(dataPlane.gatewayPort(), "lever://staging.lever/secret/id", args(), instanceToken());
        assertThat(otherEnv.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
        assertThat(otherEnv.message()).contains("can call only its own environment");
        assertThat(call(dataPlane.gatewayPort(), "lever://dev.lever/secret/id", args(), instanceToken())
                        .status())
                .isEqualTo(GrpcStatus.OK);
    }

    @Test
    void theForwardingPortTakesCallsWithTheClusterForwardingKeyOnly() throws Exception {
        Outcome noKey = call(dataPlane.forwardingPort(), "lever://dev.lever/secret/id", args());
        assertThat(noKey.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(noKey.message()).contains("lever-forwarding-key");
        Outcome wrongKey = call(
                dataPlane.forwardingPort(),
                "lever://dev.lever/secret/id",
                args(),
                Map.of("lever-forwarding-key", Snapshots.FORWARDING_KEY + "x"));
        assertThat(wrongKey.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        Outcome withKey = call(
                dataPlane.forwardingPort(),
                "lever://dev.lever/secret/id",
                args(),
                Map.of("lever-forwarding-key", Snapshots.FORWARDING_KEY));
        assertThat(withKey.status()).as(withKey.message()).isEqualTo(GrpcStatus.OK);
    }

    /** A node was revoked: the key changed. Calls sent with the old one just before still pass, for a while. */
    @Test
    void aRotatedKeyLetsThePreviousOnePassBrieflyAndAnInstanceTokenNever() throws Exception {
        long revision = dataPlane.routing().table().revision();
        controlPlane.push(routes(revision + 1, "rotated-forwarding-key"));
        await().until(() -> dataPlane.routing().table().forwardingKey().equals("rotated-forwarding-key"));
        try {
            for (String key : List.of("rotated-forwarding-key", Snapshots.FORWARDING_KEY)) {
                Outcome outcome = call(
                        dataPlane.forwardingPort(),
                        "lever://dev.lever/secret/id",
                        args(),
                        Map.of("lever-forwarding-key", key));
                assertThat(outcome.status()).as(key + ": " + outcome.message()).isEqualTo(GrpcStatus.OK);
            }
            assertThat(dataPlane.routing().previousForwardingKey(System.nanoTime() + 11_000_000_000L))
                    .as("after the overlap")
                    .isEmpty();
            String token = instanceToken().get("lever-instance-token");
            for (Map<String, String> headers : List.of(
                    instanceToken(), Map.of("lever-forwarding-key", token), Map.of("lever-forwarding-key", "stale"))) {
                Outcome refused = call(dataPlane.forwardingPort(), "lever://dev.lever/secret/id", args(), headers);
                assertThat(refused.status()).as(headers.toString()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
                assertThat(refused.message()).contains("lever-forwarding-key");
            }
        } finally {
            controlPlane.push(routes(revision + 2, Snapshots.FORWARDING_KEY));
            await().until(() -> dataPlane.routing().table().forwardingKey().equals(Snapshots.FORWARDING_KEY));
        }
    }

    @Test
    void aCompressedMessageWithoutGrpcEncodingIsAnsweredAtOnce() throws Exception {
        byte[] rpc = args("world").toByteArray();
        Buffer frame =
                Buffer.buffer().appendByte((byte) 1).appendInt(rpc.length).appendBytes(rpc);

        for (String method : List.of("HandleRPC", "HandleStreamingRPC")) {
            Map<String, String> answer = rawGrpcCall(method, "lever://dev.lever/hello/echo", frame);

            assertThat(answer).as(method).containsEntry("grpc-status", "13"); // INTERNAL, as the gRPC spec asks
            assertThat(QueryStringDecoder.decodeComponent(answer.get("grpc-message")))
                    .isEqualTo("a gRPC message is flagged compressed but the call declared no grpc-encoding "
                            + "(expected: a 'grpc-encoding' header naming the compression, e.g. gzip, or "
                            + "uncompressed messages)");
        }
    }

    @Test
    void aCompressedCallIsDecodedByTheGrpcServerAndAnswered() throws Exception {
        Outcome outcome = client.request(SocketAddress.inetSocketAddress(dataPlane.port(), "127.0.0.1"), HANDLE_RPC)
                .compose(request -> {
                    request.headers().set("lever-url", "/hello/echo");
                    request.encoding("gzip");
                    return request.send(args("compressed"));
                })
                .compose(response -> collect(response))
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(GrpcStatus.OK);
        assertThat(JsonValues.toJsonString(outcome.reply().getResult())).isEqualTo("[\"compressed\"]");
    }

    @Test
    void aCallMustCarryExactlyOneMessageOfAtMostFourMebibytes() throws Exception {
        Buffer one = grpcMessage(args("a").toByteArray());

        Map<String, String> none = rawGrpcCall("HandleRPC", "lever://dev.lever/hello/echo", Buffer.buffer());
        Map<String, String> two = rawGrpcCall(
                "HandleRPC", "lever://dev.lever/hello/echo", one.copy().appendBuffer(one));
        Map<String, String> tooLarge =
                rawGrpcCall("HandleRPC", "lever://dev.lever/hello/echo", grpcMessage(new byte[5 * 1024 * 1024]));
        Map<String, String> fine = rawGrpcCall("HandleRPC", "lever://dev.lever/hello/echo", one);

        assertThat(none).containsEntry("grpc-status", "13"); // INTERNAL
        assertThat(GrpcHeaders.percentDecoded(none.get("grpc-message")))
                .isEqualTo("the call carries no complete gRPC message (expected: exactly one uncompressed gRPC"
                        + " message)");
        assertThat(two).containsEntry("grpc-status", "13");
        assertThat(GrpcHeaders.percentDecoded(two.get("grpc-message")))
                .isEqualTo("the call carries a gRPC message prefix declaring " + (one.length() - 5) + " bytes, and "
                        + (2 * one.length() - 5) + " bytes after it (expected: exactly one uncompressed gRPC message)");
        assertThat(tooLarge).containsEntry("grpc-status", "8"); // RESOURCE_EXHAUSTED
        assertThat(GrpcHeaders.percentDecoded(tooLarge.get("grpc-message")))
                .isEqualTo("the call's message is larger than 4194304 bytes; send large data in smaller calls, or"
                        + " as a stream");
        assertThat(fine).containsEntry("grpc-status", "0");
    }

    private static Buffer grpcMessage(byte[] bytes) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(bytes.length).appendBytes(bytes);
    }

    /**
     * Sends {@code body} as the whole request of a {@code core.LeverRPC} call over a bare HTTP/2 connection
     * (prior knowledge, no gRPC library) and returns the answer's headers and trailers together.
     */
    static Map<String, String> rawGrpcCall(String method, String leverUrl, Buffer body) throws Exception {
        return rawGrpcCall(method, leverUrl, body, "application/grpc");
    }

    static Map<String, String> rawGrpcCall(String method, String leverUrl, Buffer body, String contentType)
            throws Exception {
        HttpClient http = h2c();
        try {
            // body() is asked for in the callback that sends, on the event loop, before the answer can
            // arrive: asked for from this thread once the response had ended, it would never complete.
            return http.request(HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/" + method)
                    .compose(request -> request.putHeader("content-type", contentType)
                            .putHeader("te", "trailers")
                            .putHeader("lever-url", leverUrl)
                            .send(body)
                            .compose(response -> response.body().map(ignored -> {
                                Map<String, String> answer = new HashMap<>();
                                response.headers().forEach(answer::put);
                                response.trailers().forEach(answer::put);
                                return answer;
                            })))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } finally {
            http.close();
        }
    }

    /** The {@code lever-instance-token} of a running instance, as it reads it from its environment. */
    static Map<String, String> instanceToken() throws Exception {
        Outcome env = call(dataPlane.port(), "/hello/env", args());
        String json = JsonValues.toJsonString(env.reply().getResult());
        String token = json.replaceAll(".*\"LEVEROS_INSTANCE_TOKEN\":\"([0-9a-f]+)\".*", "$1");
        assertThat(token).hasSizeGreaterThan(20).matches("[0-9a-f]+");
        return Map.of("lever-instance-token", token);
    }

    @Test
    void aCallItsClientResetsBeforeItsMessageEndedCountsAsMalformed() throws Exception {
        HttpClient http = h2c();
        try {
            http.request(HttpMethod.POST, dataPlane.port(), "127.0.0.1", "/core.LeverRPC/HandleRPC")
                    .compose(request -> request.putHeader("content-type", "application/grpc")
                            .putHeader("te", "trailers")
                            .putHeader("lever-url", "lever://dev.lever/hello/resetBeforeItsEnd")
                            .setChunked(true) // no content-length: HTTP/2 sends DATA as it is written
                            .write(Buffer.buffer()
                                    .appendByte((byte) 0)
                                    .appendInt(100)
                                    .appendBytes(new byte[10]))
                            .compose(written -> request.reset()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } finally {
            http.close();
        }
        String series = CallMetricsTest.call("count", "public", "hello", "1", "resetBeforeItsEnd", 400);
        await("the reset call counted")
                .atMost(Duration.ofSeconds(10))
                .until(() -> CallMetricsTest.parse(dataPlane.metrics().scrape()).get(series) != null);
    }

    @Test
    void callsCountWithTheStatusTheHttpApiGivesThem() throws Exception {
        call(dataPlane.port(), "/hello/echo", args("a"));
        call(dataPlane.port(), "/hello/fail", args("b"));
        call(dataPlane.port(), "/hello/nope", args());
        Map<String, String> samples = CallMetricsTest.parse(dataPlane.metrics().scrape());
        for (Map.Entry<String, Integer> method :
                Map.of("echo", 200, "fail", 500, "nope", 404).entrySet()) {
            String series = CallMetricsTest.call("count", "public", "hello", "1", method.getKey(), method.getValue());
            assertThat(samples.get(series)).as(series).isNotNull();
            assertThat(Long.parseLong(samples.get(series))).isPositive();
        }
    }
}
