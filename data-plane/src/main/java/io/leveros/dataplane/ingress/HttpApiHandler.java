package io.leveros.dataplane.ingress;

import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.CallForwarder;
import io.leveros.dataplane.metrics.CallMetrics;
import io.leveros.dataplane.metrics.ClientRefusals;
import io.leveros.dataplane.routing.EnvironmentResolver;
import io.leveros.dataplane.routing.RouteResolver;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.stream.InstanceStreams;
import io.leveros.dataplane.tracing.TraceContext;
import io.leveros.dataplane.tracing.Tracer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * The HTTP API ({@code POST /<service>[/<resource>]/<method>}) as a chain of small steps, each its
 * own class: CORS, method, path, environment, route (privacy), content type, body, forward, reply.
 * Streaming methods go to {@link HttpStream} (POST) or {@link WebSocketStream} (WebSocket upgrade).
 * A step that fails throws a {@link CallException}, which becomes the platform error response.
 *
 * <p>Called on the connection's event loop; never blocks.
 */
public final class HttpApiHandler implements Handler<HttpServerRequest> {
    /** Most of a refused body read and dropped so that its sender sees the 413. */
    private static final long MAX_DISCARDED_BODY = 64L * 1024 * 1024;

    static final String FORCE_ENV = "forceenv";

    private final RoutingState routing;
    private final CallerIdentity callers;
    private final CallForwarder forwarder;
    private final InstanceStreams streams;
    private final Ingress ingress;
    private final CallMetrics.Recorder calls;
    private final Vertx vertx;
    private final long bodyTimeoutMs;
    private final ClientRefusals refusals;
    private final Tracer tracer;

    /**
     * @param ingress the port this handler serves, which decides who may call and what
     * @param calls where answered calls are counted
     * @param bodyTimeoutMs how long a call's body may go without a part arriving (408 after)
     */
    public HttpApiHandler(
            RoutingState routing,
            CallerIdentity callers,
            CallForwarder forwarder,
            InstanceStreams streams,
            Ingress ingress,
            CallMetrics.Recorder calls,
            Vertx vertx,
            long bodyTimeoutMs,
            ClientRefusals refusals,
            Tracer tracer) {
        this.routing = routing;
        this.callers = callers;
        this.forwarder = forwarder;
        this.streams = streams;
        this.ingress = ingress;
        this.calls = calls;
        this.vertx = vertx;
        this.bodyTimeoutMs = bodyTimeoutMs;
        this.refusals = refusals;
        this.tracer = tracer;
    }

    @Override
    public void handle(HttpServerRequest request) {
        long startedNanos = System.nanoTime();
        HttpServerResponse response = request.response();
        Call target = null;
        try {
            Cors.apply(request.getHeader(HttpHeaders.ORIGIN), response);
            if (request.canUpgradeToWebSocket()) {
                webSocket(request);
                return;
            }
            if (!MethodFilter.isCall(request.method(), request.path(), response)) {
                return;
            }
            target = target(request);
            String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
            if (target.streaming()) {
                HttpStream.start(streams, request, ContentKind.ofStream(contentType), target);
                return;
            }
            ContentKind kind = ContentKind.of(contentType);
            Call call = target;
            BodyReader.read(request, BodyReader.MAX_CALL_BODY, vertx, bodyTimeoutMs)
                    .map(kind::toRpc)
                    .compose(rpc -> forwarder.forward(call, rpc))
                    .onComplete(outcome -> {
                        if (outcome.succeeded()) {
                            HttpReplies.reply(response, outcome.result());
                        } else {
                            fail(request, outcome.cause());
                        }
                        record(call, response.getStatusCode(), startedNanos);
                    });
        } catch (CallException e) {
            fail(request, e);
            record(target, e.code().httpStatus(), startedNanos);
        }
    }

    /** Counts an answered call; {@code target} is {@code null} when the call named no known service. */
    private void record(Call target, int status, long startedNanos) {
        long nanos = System.nanoTime() - startedNanos;
        if (target == null) {
            calls.recordUnrouted(status, nanos);
        } else {
            ServiceRoute route = target.route();
            calls.record(route.environment(), route.service(), route.versionNumber(), target.method(), status, nanos);
            tracer.end(target.trace(), ingress.label(), route, target.method(), status, nanos);
        }
    }

    /** A WebSocket upgrade: accepted for streaming methods only, after the same checks as a POST. */
    private void webSocket(HttpServerRequest request) {
        Call target = target(request);
        if (!target.streaming()) {
            throw new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    "WebSocket is for streaming methods (names ending in Chan or _chan); call '" + request.path()
                            + "' with POST");
        }
        WebSocketStream.start(streams, request, target);
    }

    private Call target(HttpServerRequest request) {
        RoutingTable table = RouteResolver.readyTable(routing);
        LeverUrl path = CallPath.parse(request.path());
        String callerEnv = ingress == Ingress.GATEWAY
                ? callers.environmentOf(request.getHeader(CallerIdentity.TOKEN_HEADER))
                : null;
        String environment = EnvironmentResolver.forHttp(table, request.getParam(FORCE_ENV), host(request), callerEnv);
        ServiceRoute route =
                RouteResolver.resolve(table, environment, path.service(), path.resource(), ingress.allowsPrivate());
        TraceContext trace = TraceContext.of(request.headers());
        return Call.to(route, path, environment, path.isStreaming() ? trace : tracer.begin(trace));
    }

    private static String host(HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null) {
            HostAndPort authority = request.authority();
            return authority == null ? null : authority.host();
        }
        return host;
    }

    private void fail(HttpServerRequest request, Throwable failure) {
        if (failure instanceof CallException e && e.code() == ErrorCode.REQUEST_TIMEOUT) {
            refusals.record(ingress.label(), ClientRefusals.BODY_TIMEOUT);
            if (request.version() != HttpVersion.HTTP_2) {
                request.response().putHeader(HttpHeaders.CONNECTION, "close");
                HttpReplies.error(request.response(), failure)
                        .onComplete(v -> request.connection().close());
                return;
            }
        }
        boolean refusedBody = failure instanceof CallException e
                && e.code() == ErrorCode.PAYLOAD_TOO_LARGE
                && request.version() != HttpVersion.HTTP_2;
        if (!refusedBody) {
            HttpReplies.error(request.response(), failure);
            return;
        }
        // A client that is still sending a refused body would see a reset, not our 413, if the
        // connection closed under it: answer, discard the rest of the body up to a bound, then close.
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        Future<Void> written = HttpReplies.error(request.response(), failure);
        if (request.isEnded()) {
            written.onComplete(v -> request.connection().close());
            return;
        }
        long[] discarded = {0};
        request.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > MAX_DISCARDED_BODY) {
                request.connection().close();
            }
        });
        request.endHandler(v -> written.onComplete(w -> request.connection().close()));
        request.resume();
    }
}
