package io.leveros.dataplane.ingress;

import io.leveros.core.url.InvalidLeverUrlException;
import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.CallForwarder;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.routing.EnvironmentResolver;
import io.leveros.dataplane.routing.RouteResolver;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.stream.StreamRelay;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * {@code core.LeverRPC} from gRPC clients (the original Lever clients among them). The call's
 * destination is the {@code lever-url} metadata; the request message is relayed to the instance as
 * raw bytes and the instance's reply and status come back the same way; streaming calls are
 * relayed by {@link StreamRelay}. Platform errors are gRPC statuses with the same messages as over
 * HTTP.
 */
public final class GrpcIngress implements Handler<GrpcServerRequest<Buffer, Buffer>> {
    static final String HANDLE_RPC = "core.LeverRPC/HandleRPC";
    static final String HANDLE_STREAMING_RPC = "core.LeverRPC/HandleStreamingRPC";

    private final RoutingState routing;
    private final CallerIdentity callers;
    private final CallForwarder forwarder;
    private final StreamRelay streams;
    private final boolean internal;

    public GrpcIngress(
            RoutingState routing,
            CallerIdentity callers,
            CallForwarder forwarder,
            StreamRelay streams,
            boolean internal) {
        this.routing = routing;
        this.callers = callers;
        this.forwarder = forwarder;
        this.streams = streams;
        this.internal = internal;
    }

    @Override
    public void handle(GrpcServerRequest<Buffer, Buffer> request) {
        String method = request.fullMethodName();
        if (HANDLE_RPC.equals(method)) {
            handleRpc(request);
        } else if (HANDLE_STREAMING_RPC.equals(method)) {
            handleStream(request);
        } else {
            fail(
                    request.response(),
                    new CallException(
                            ErrorCode.METHOD_NOT_ALLOWED,
                            GrpcStatus.UNIMPLEMENTED,
                            "unknown gRPC method '" + method + "' (expected: " + HANDLE_RPC + ")"));
        }
    }

    private void handleStream(GrpcServerRequest<Buffer, Buffer> request) {
        try {
            Target target = target(request);
            streams.relay(request, target.route(), target.leverUrl());
        } catch (CallException e) {
            fail(request.response(), e);
        }
    }

    /** Where a call goes: its route and its absolute Lever URL. */
    private record Target(ServiceRoute route, String leverUrl) {}

    private Target target(GrpcServerRequest<Buffer, Buffer> request) {
        RoutingTable table = RouteResolver.readyTable(routing);
        LeverUrl url = leverUrl(request.headers().get(InstanceClient.LEVER_URL));
        String callerEnv =
                internal ? callers.environmentOfToken(request.headers().get(CallerIdentity.TOKEN_HEADER)) : null;
        String environment = EnvironmentResolver.forUrl(table, url.environment(), callerEnv);
        ServiceRoute route = RouteResolver.resolve(table, environment, url.service(), internal);
        return new Target(route, url.withEnvironment(environment).toString());
    }

    private void handleRpc(GrpcServerRequest<Buffer, Buffer> request) {
        GrpcServerResponse<Buffer, Buffer> response = request.response();
        try {
            Target target = target(request);
            ServiceRoute route = target.route();
            String absolute = target.leverUrl();
            request.last()
                    .compose(rpc -> forwarder.forward(route, absolute, rpc))
                    .onComplete(outcome -> {
                        if (outcome.succeeded()) {
                            response.send(outcome.result());
                        } else {
                            fail(response, outcome.cause());
                        }
                    });
        } catch (CallException e) {
            fail(response, e);
        }
    }

    private static LeverUrl leverUrl(String text) {
        if (text == null) {
            throw new CallException(
                    ErrorCode.INVALID_URL,
                    "the call has no 'lever-url' metadata (expected: lever://<env>/<service>/<method>)");
        }
        try {
            return LeverUrl.parse(text);
        } catch (InvalidLeverUrlException e) {
            throw new CallException(ErrorCode.INVALID_URL, "invalid lever-url: " + e.getMessage());
        }
    }

    private static void fail(GrpcServerResponse<Buffer, Buffer> response, Throwable failure) {
        if (failure instanceof CallException e) {
            response.status(e.grpcStatus()).statusMessage(e.getMessage()).end();
        } else {
            response.status(GrpcStatus.INTERNAL)
                    .statusMessage("the call failed: " + failure)
                    .end();
        }
    }
}
