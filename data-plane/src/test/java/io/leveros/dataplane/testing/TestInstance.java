package io.leveros.dataplane.testing;

import com.google.protobuf.ByteString;
import io.leveros.core.json.JsonValues;
import io.leveros.core.url.LeverUrl;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.JSONObject;
import io.leveros.proto.core.JSONProperty;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Lever instance for tests, run as its own process through a generic {@code entry} command. It
 * serves {@code core.LeverRPC/HandleRPC} on {@code LEVEROS_LISTEN_HOST:LEVEROS_PORT} with the
 * methods: {@code echo} (args back; bytes back as bytes), {@code id}, {@code pid}, {@code env},
 * {@code headers}, {@code sleep(ms)}, {@code fail(x)}, {@code byteFail}, {@code badArgs}, {@code
 * crash}; {@code NewResource} and {@code CloseResource} (recorded) and {@code resourceEvents} (what was
 * recorded: {@code new:<resource>}, {@code close:<resource>}); for isolation tests {@code read(path)} and {@code write(path)} (what happened, as text:
 * {@code "read N bytes"}, {@code "wrote"}, or {@code "failed: <exception>"}), {@code status} (its
 * {@code /proc/self/status}), {@code cwd} and {@code getenv(name)}; anything else is NOT_FOUND, and {@code
 * warmUps} says how many of those named the data plane's warm-up method {@code _leverWarmUp}. It also
 * serves {@code core.LeverRPC/HandleStreamingRPC}, whatever the method: every message back as it came,
 * then OK once the client ended its side (for the method {@code protocolChan}, the first message is
 * answered with an empty one, as the Lever runtimes open a stream, so that HTTP and WebSocket clients
 * can stream). Once its first DATA came, the next stream after the call {@code refuseNextStream} is
 * reset with {@code REFUSED_STREAM}, after {@code goAwayBeforeNextStream} it is past a GOAWAY, and
 * after {@code takeNextStreamThenExit} it is taken by a GOAWAY and the process exits 100 ms later: as
 * by an instance shutting down.
 */
public final class TestInstance {
    static final ServiceMethod<RPC, RPCReply> HANDLE_RPC = ServiceMethod.server(
            ServiceName.create("core", "LeverRPC"),
            "HandleRPC",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(RPC.getDefaultInstance()));

    static final ServiceMethod<Buffer, Buffer> HANDLE_STREAMING_RPC = ServiceMethod.server(
            ServiceName.create("core", "LeverRPC"),
            "HandleStreamingRPC",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.IDENTITY);

    /** {@code new:<resource>} and {@code close:<resource>} for each NewResource and CloseResource, in order. */
    private static final List<String> RESOURCE_EVENTS = new CopyOnWriteArrayList<>();

    private static final AtomicInteger WARM_UPS = new AtomicInteger();

    /** What the next stream meets once its first DATA came: as by an instance shutting down. */
    private enum NextStream {
        SERVED,
        /** Reset with {@code REFUSED_STREAM}. */
        REFUSED,
        /** A GOAWAY whose last stream is the one before it. */
        PAST_GO_AWAY,
        /** A GOAWAY whose last stream is this one, then the process exits. */
        TAKEN_THEN_EXITED
    }

    private static final AtomicReference<NextStream> NEXT_STREAM = new AtomicReference<>(NextStream.SERVED);
    private static final long REFUSED_STREAM = 7;

    private static volatile HttpServer server;

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--never-listen")) {
            System.out.println("test instance that never listens");
            Thread.sleep(Long.MAX_VALUE); // the behaviour under test: alive, but never ready
        }
        Vertx vertx = Vertx.vertx();
        GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(4 * 1024 * 1024))
                .callHandler(HANDLE_RPC, request -> request.handler(rpc -> handle(vertx, request, rpc)))
                .callHandler(HANDLE_STREAMING_RPC, request -> {
                    AtomicBoolean opening =
                            new AtomicBoolean(LeverUrl.parse(request.headers().get("lever-url"))
                                    .method()
                                    .equals("protocolChan"));
                    request.handler(
                            message -> request.response().write(opening.getAndSet(false) ? Buffer.buffer() : message));
                    request.endHandler(end -> request.response().end());
                });
        int port = Integer.parseInt(System.getenv("LEVEROS_PORT"));
        String host = System.getenv("LEVEROS_LISTEN_HOST");
        vertx.createHttpServer(new HttpServerOptions())
                .requestHandler(request -> {
                    NextStream next = request.path().endsWith("/HandleStreamingRPC")
                            ? NEXT_STREAM.getAndSet(NextStream.SERVED)
                            : NextStream.SERVED;
                    switch (next) {
                        case SERVED -> grpc.handle(request);
                        case REFUSED ->
                            request.handler(firstData -> request.response().reset(REFUSED_STREAM));
                        case PAST_GO_AWAY ->
                            request.handler(
                                    firstData -> request.connection().goAway(0, Math.max(0, request.streamId() - 2)));
                        case TAKEN_THEN_EXITED ->
                            request.handler(firstData -> {
                                request.connection().goAway(0, request.streamId());
                                vertx.setTimer(100, exit -> Runtime.getRuntime().halt(0));
                            });
                    }
                })
                .listen(port, host)
                .onSuccess(listening -> {
                    server = listening;
                    System.out.println("test instance " + System.getenv("LEVEROS_INSTANCE_ID") + " listening on " + host
                            + ":" + port);
                })
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    /** The next stream meets {@code next}; the call that said so is answered. */
    private static void nextStream(NextStream next, GrpcServerResponse<RPC, RPCReply> response) {
        NEXT_STREAM.set(next);
        response.send(result(JsonValues.nullValue()));
    }

    private static void handle(Vertx vertx, GrpcServerRequest<RPC, RPCReply> request, RPC rpc) {
        LeverUrl url = LeverUrl.parse(request.headers().get("lever-url"));
        var response = request.response();
        switch (url.method()) {
            case "echo" ->
                response.send(
                        rpc.hasByteArgs()
                                ? RPCReply.newBuilder()
                                        .setByteResult(rpc.getByteArgs())
                                        .build()
                                : result(JSON.newBuilder()
                                        .setJsonArray(rpc.getArgs())
                                        .build()));
            case "id" -> response.send(result(JsonValues.of(System.getenv("LEVEROS_INSTANCE_ID"))));
            case "NewResource", "CloseResource" -> {
                String event = (url.method().equals("NewResource") ? "new:" : "close:") + url.resource();
                RESOURCE_EVENTS.add(event);
                System.out.println("resource event " + event);
                response.send(result(JsonValues.nullValue()));
            }
            case "resourceEvents" -> {
                JSONArray.Builder events = JSONArray.newBuilder();
                RESOURCE_EVENTS.forEach(event -> events.addElement(JsonValues.of(event)));
                response.send(result(JSON.newBuilder().setJsonArray(events).build()));
            }
            case "pid" ->
                response.send(result(JsonValues.of(ProcessHandle.current().pid())));
            case "env" ->
                response.send(result(object(
                        "LEVEROS_ENVIRONMENT",
                        "LEVEROS_SERVICE",
                        "LEVEROS_INSTANCE_ID",
                        "LEVEROS_CODE_VERSION",
                        "LEVEROS_INTERNAL_RPC_GATEWAY",
                        "LEVEROS_INSTANCE_TOKEN",
                        "LEVEROS_CONFIG",
                        "LEVEROS_RAM_MB",
                        "LEVEROS_PORT",
                        "LEVEROS_LISTEN_HOST",
                        "TMPDIR",
                        "HOME")));
            case "read" ->
                response.send(result(JsonValues.of(
                        attempt(() -> "read " + Files.readAllBytes(Path.of(arg(rpc))).length + " bytes"))));
            case "write" ->
                response.send(result(JsonValues.of(attempt(() -> {
                    Files.writeString(Path.of(arg(rpc)), "written by " + System.getenv("LEVEROS_INSTANCE_ID"));
                    return "wrote";
                }))));
            case "status" ->
                response.send(result(JsonValues.of(attempt(() -> Files.readString(Path.of("/proc/self/status"))))));
            case "getenv" -> response.send(result(JsonValues.of(String.valueOf(System.getenv(arg(rpc))))));
            case "cwd" ->
                response.send(result(JsonValues.of(Path.of("").toAbsolutePath().toString())));
            case "headers" ->
                response.send(result(JSON.newBuilder()
                        .setJsonObject(JSONObject.newBuilder()
                                .addProperty(
                                        property("lever-url", request.headers().get("lever-url")))
                                .addProperty(
                                        property("gateway", request.headers().get("x-lever-internal-rpc-gateway")))
                                .addProperty(property(
                                        "traceparent", request.headers().get("traceparent")))
                                .addProperty(
                                        property("tracestate", request.headers().get("tracestate"))))
                        .build()));
            case "sleep" -> {
                long ms = (long) rpc.getArgs().getElement(0).getJsonNumber();
                vertx.setTimer(ms, id -> response.send(result(JsonValues.of("slept " + ms))));
            }
            case "fail" ->
                response.send(RPCReply.newBuilder()
                        .setError(JsonValues.of(
                                "error sent: " + rpc.getArgs().getElement(0).getJsonString()))
                        .build());
            case "byteFail" ->
                response.send(RPCReply.newBuilder()
                        .setByteError(ByteString.copyFromUtf8("byte error"))
                        .build());
            case "badArgs" ->
                response.status(GrpcStatus.INVALID_ARGUMENT)
                        .statusMessage("parameter 0 'count' expects a number")
                        .end();
            case "crash" -> Runtime.getRuntime().halt(3);
            case "closePort" -> response.send(result(JsonValues.nullValue())).onComplete(sent -> server.close());
            case "warmUps" -> response.send(result(JsonValues.of(WARM_UPS.get())));
            case "refuseNextStream" -> nextStream(NextStream.REFUSED, response);
            case "goAwayBeforeNextStream" -> nextStream(NextStream.PAST_GO_AWAY, response);
            case "takeNextStreamThenExit" -> nextStream(NextStream.TAKEN_THEN_EXITED, response);
            default -> {
                if (url.method().equals("_leverWarmUp")) {
                    WARM_UPS.incrementAndGet();
                }
                response.status(GrpcStatus.NOT_FOUND)
                        .statusMessage(
                                "method '" + url.method() + "' not found in service '" + url.service()
                                        + "' (exported: echo, id, pid, env, headers, sleep, fail, byteFail, badArgs, crash, closePort,"
                                        + " read, write, status, cwd, getenv, warmUps, refuseNextStream, goAwayBeforeNextStream, takeNextStreamThenExit)")
                        .end();
            }
        }
    }

    private interface Attempt {
        String run() throws Exception;
    }

    private static String attempt(Attempt attempt) {
        try {
            return attempt.run();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private static String arg(RPC rpc) {
        return rpc.getArgs().getElement(0).getJsonString();
    }

    private static RPCReply result(JSON value) {
        return RPCReply.newBuilder().setResult(value).build();
    }

    private static JSON object(String... names) {
        JSONObject.Builder object = JSONObject.newBuilder();
        for (String name : names) {
            object.addProperty(property(name, System.getenv(name)));
        }
        return JSON.newBuilder().setJsonObject(object).build();
    }

    private static JSONProperty property(String name, String value) {
        return JSONProperty.newBuilder()
                .setName(name)
                .setValue(value == null ? JsonValues.nullValue() : JsonValues.of(value))
                .build();
    }
}
