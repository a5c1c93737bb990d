package io.leveros.dataplane.ingress;

import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.CallForwarder;
import io.leveros.dataplane.routing.EnvironmentResolver;
import io.leveros.dataplane.routing.RouteResolver;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * The HTTP API ({@code POST /<service>[/<resource>]/<method>}) as a chain of small steps, each its
 * own class: CORS, method, path, environment, route (privacy), content type, body, forward, reply.
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
    private final boolean internal;

    /** @param internal whether this is the internal gateway (private services allowed) */
    public HttpApiHandler(RoutingState routing, CallerIdentity callers, CallForwarder forwarder, boolean internal) {
        this.routing = routing;
        this.callers = callers;
        this.forwarder = forwarder;
        this.internal = internal;
    }

    @Override
    public void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        try {
            Cors.apply(request.getHeader(HttpHeaders.ORIGIN), response);
            if (!MethodFilter.isCall(request.method(), request.path(), response)) {
                return;
            }
            RoutingTable table = RouteResolver.readyTable(routing);
            LeverUrl path = CallPath.parse(request.path());
            String environment = EnvironmentResolver.forHttp(
                    table,
                    request.getParam(FORCE_ENV),
                    host(request),
                    internal ? callers.environmentOf(request) : null);
            ServiceRoute route = RouteResolver.resolve(table, environment, path.service(), internal);
            if (path.isStreaming()) {
                throw new CallException(
                        ErrorCode.MALFORMED_REQUEST,
                        "method '" + path.method() + "' is a streaming method (its name ends in Chan or _chan);"
                                + " streaming calls over HTTP are not supported by this data plane yet");
            }
            ContentKind kind = ContentKind.of(request.getHeader(HttpHeaders.CONTENT_TYPE));
            String leverUrl = path.withEnvironment(environment).toString();
            BodyReader.read(request, BodyReader.MAX_CALL_BODY)
                    .map(kind::toRpc)
                    .compose(rpc -> forwarder.forward(route, leverUrl, rpc))
                    .onComplete(outcome -> {
                        if (outcome.succeeded()) {
                            HttpReplies.reply(response, outcome.result());
                        } else {
                            fail(request, outcome.cause());
                        }
                    });
        } catch (CallException e) {
            fail(request, e);
        }
    }

    private static String host(HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null) {
            HostAndPort authority = request.authority();
            return authority == null ? null : authority.host();
        }
        return host;
    }

    private static void fail(HttpServerRequest request, Throwable failure) {
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
