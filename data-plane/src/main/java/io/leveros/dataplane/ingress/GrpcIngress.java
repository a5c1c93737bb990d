package io.leveros.dataplane.ingress;

import io.leveros.core.url.InvalidLeverUrlException;
import io.leveros.core.url.LeverUrl;
import io.leveros.core.url.LeverUrlHeader;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.CallOutcome;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.CallForwarder;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.identity.ForwardingKey;
import io.leveros.dataplane.metrics.CallMetrics;
import io.leveros.dataplane.placement.ResourceEpoch;
import io.leveros.dataplane.routing.EnvironmentResolver;
import io.leveros.dataplane.routing.RouteResolver;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.stream.StreamRelay;
import io.leveros.dataplane.tracing.TraceContext;
import io.leveros.dataplane.tracing.Tracer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * {@code core.LeverRPC} from gRPC clients (the original Lever clients among them). The call's
 * destination is the {@code lever-url} metadata. A call ({@code HandleRPC} over HTTP/2) that declared
 * no compression is served from the connection's frames, below Vert.x ({@link RelayedCallFrames}): its
 * message is relayed to the instance as raw bytes and the instance's reply and status come back the
 * same way; any other call (compressed, gRPC-Web) goes through a Vert.x gRPC server, which decodes it
 * first. A streaming call ({@code HandleStreamingRPC} over gRPC on HTTP/2) is relayed from the frames
 * too, frame by frame, by {@link StreamRelay}. Platform errors are gRPC statuses with the same messages
 * as over HTTP.
 */
public final class GrpcIngress implements Handler<GrpcServerRequest<Buffer, Buffer>> {
    static final String HANDLE_RPC = "core.LeverRPC/HandleRPC";
    static final String HANDLE_STREAMING_RPC = "core.LeverRPC/HandleStreamingRPC";

    private final RoutingState routing;
    private final CallerIdentity callers;
    private final CallForwarder forwarder;
    private final StreamRelay streams;
    private final Ingress ingress;
    private final CallMetrics.Recorder calls;
    private final Tracer tracer;
    private final GrpcServer server;

    /**
     * @param ingress the port this handler serves, which decides who may call and what
     * @param calls where answered calls are counted
     * @param tracer where their spans go
     */
    public GrpcIngress(
            RoutingState routing,
            CallerIdentity callers,
            CallForwarder forwarder,
            StreamRelay streams,
            Ingress ingress,
            CallMetrics.Recorder calls,
            Tracer tracer,
            Vertx vertx) {
        this.routing = routing;
        this.callers = callers;
        this.forwarder = forwarder;
        this.streams = streams;
        this.ingress = ingress;
        this.calls = calls;
        this.tracer = tracer;
        this.server = GrpcServer.server(
                        vertx, new GrpcServerOptions().setMaxMessageSize(InstanceClient.MAX_MESSAGE_SIZE))
                .callHandler(this);
    }

    /**
     * Takes a gRPC request (content type {@code application/grpc*}) that Vert.x read, to the gRPC
     * server, through {@link UndeclaredCompression}.
     */
    public void handle(HttpServerRequest request, String contentType) {
        if (contentType == null) { // the forwarding port takes gRPC only: the gRPC server refuses it
            server.handle(request);
            return;
        }
        server.handle(UndeclaredCompression.guard(request, contentType));
    }

    @Override
    public void handle(GrpcServerRequest<Buffer, Buffer> request) {
        String method = request.fullMethodName();
        if (HANDLE_RPC.equals(method)) {
            handleRpc(request);
        } else if (HANDLE_STREAMING_RPC.equals(method)) {
            // gRPC-Web, or gRPC on a connection the frames are not read from (HTTP/1.1, h2c upgrade)
            fail(
                    request.response(),
                    new CallException(
                            ErrorCode.METHOD_NOT_ALLOWED,
                            GrpcStatus.UNIMPLEMENTED,
                            "streaming calls are offered over gRPC on HTTP/2 connections only, not over gRPC-Web"
                                    + " (expected: gRPC over HTTP/2, h2c with prior knowledge as gRPC clients"
                                    + " connect, or the HTTP API's streams)"));
        } else {
            fail(
                    request.response(),
                    new CallException(
                            ErrorCode.METHOD_NOT_ALLOWED,
                            GrpcStatus.UNIMPLEMENTED,
                            "unknown gRPC method '" + method + "' (expected: " + HANDLE_RPC + ")"));
        }
    }

    /**
     * Serves on {@code connection}'s HTTP/2 frames the calls that only pass through ({@code HandleRPC}
     * over gRPC, no compression declared), below Vert.x's streams ({@link RelayedCallFrames}); call
     * from the server's connection handler.
     *
     * @param requests the loop's request counter
     */
    public void serveRelayedCallsBelowVertx(HttpConnection connection, Counter requests) {
        RelayedCallFrames.install(connection, this, requests);
    }

    StreamRelay streams() {
        return streams;
    }

    Future<Buffer> forward(Call target, Buffer rpc) {
        return forwarder.forward(target, rpc);
    }

    void recordUnrouted(CallException refusal, long startedNanos) {
        calls.recordUnrouted(refusal.code().httpStatus(), System.nanoTime() - startedNanos);
    }

    Call target(MultiMap headers) {
        RoutingTable table = RouteResolver.readyTable(routing);
        long resourceEpoch = 0;
        if (ingress == Ingress.FORWARDED) {
            ForwardingKey.check(
                    headers.get(ForwardingKey.HEADER),
                    table.forwardingKey(),
                    routing.previousForwardingKey(System.nanoTime()));
            resourceEpoch = ResourceEpoch.parse(headers.get(ResourceEpoch.HEADER));
        }
        LeverUrl url = leverUrl(headers.get(InstanceClient.LEVER_URL));
        String callerEnv =
                ingress == Ingress.GATEWAY ? callers.environmentOf(headers.get(CallerIdentity.TOKEN_HEADER)) : null;
        String environment = EnvironmentResolver.forUrl(table, url.environment(), callerEnv);
        ServiceRoute route =
                RouteResolver.resolve(table, environment, url.service(), url.resource(), ingress.allowsPrivate());
        TraceContext trace = TraceContext.of(headers);
        return Call.to(route, url, environment, resourceEpoch, url.isStreaming() ? trace : tracer.begin(trace));
    }

    private void handleRpc(GrpcServerRequest<Buffer, Buffer> request) {
        long startedNanos = System.nanoTime();
        GrpcServerResponse<Buffer, Buffer> response = request.response();
        Call target;
        try {
            target = target(request.headers());
        } catch (CallException e) {
            fail(response, e);
            calls.recordUnrouted(e.code().httpStatus(), System.nanoTime() - startedNanos);
            return;
        }
        request.last().compose(rpc -> forwarder.forward(target, rpc)).onComplete(outcome -> {
            if (outcome.succeeded()) {
                response.send(outcome.result());
            } else {
                fail(response, outcome.cause());
            }
            record(target, outcome, startedNanos);
        });
    }

    /** Counts an answered call and ends its span. */
    void record(Call target, AsyncResult<Buffer> outcome, long startedNanos) {
        int status =
                outcome.succeeded() ? CallOutcome.statusOf(outcome.result()) : CallOutcome.statusOf(outcome.cause());
        long nanos = System.nanoTime() - startedNanos;
        ServiceRoute route = target.route();
        calls.record(route.environment(), route.service(), route.versionNumber(), target.method(), status, nanos);
        tracer.end(target.trace(), ingress.label(), route, target.method(), status, nanos);
    }

    private static LeverUrl leverUrl(String text) {
        if (text == null) {
            throw new CallException(
                    ErrorCode.INVALID_URL,
                    "the call has no 'lever-url' metadata (expected: lever://<env>/<service>/<method>)");
        }
        try {
            return LeverUrlHeader.parse(text);
        } catch (InvalidLeverUrlException e) {
            throw new CallException(ErrorCode.INVALID_URL, "invalid lever-url: " + e.getMessage());
        }
    }

    private static void fail(GrpcServerResponse<Buffer, Buffer> response, Throwable failure) {
        CallException error = asCallException(failure);
        response.status(error.grpcStatus()).statusMessage(error.getMessage()).end();
    }

    static CallException asCallException(Throwable failure) {
        return failure instanceof CallException e
                ? e
                : new CallException(ErrorCode.INSTANCE_FAILED, GrpcStatus.INTERNAL, "the call failed: " + failure);
    }
}
