package io.leveros.dataplane.ingress;

import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;

/**
 * The first handler of a listening port: gRPC ({@code application/grpc*}) to the gRPC server,
 * {@code GET /_lever/health} to the health answer, everything else to the HTTP API.
 */
public final class IngressHandler implements Handler<HttpServerRequest> {
    public static final String HEALTH_PATH = "/_lever/health";
    private static final String GRPC_TYPE = "application/grpc";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

    private final GrpcServer grpc;
    private final HttpApiHandler api;
    private final RoutingState routing;

    public IngressHandler(GrpcServer grpc, HttpApiHandler api, RoutingState routing) {
        this.grpc = grpc;
        this.api = api;
        this.routing = routing;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith(GRPC_TYPE)) {
            grpc.handle(request);
        } else if (request.method() == HttpMethod.GET && HEALTH_PATH.equals(request.path())) {
            health(request);
        } else {
            api.handle(request);
        }
    }

    /**
     * The live versions other nodes serve (calls here may be forwarded there), as a JSON array of
     * {@code env/service/version}; names are plain (checked at deploy), so they need no escaping.
     */
    private String servedByPeers() {
        StringBuilder json = new StringBuilder("[");
        for (ServiceRoute route : routing.table().routes()) {
            if (!route.peers().isEmpty()) {
                json.append(json.length() > 1 ? ",\"" : "\"")
                        .append(route.poolKey())
                        .append('"');
            }
        }
        return json.append(']').toString();
    }

    private void health(HttpServerRequest request) {
        if (routing.ready()) {
            request.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer("{\"status\":\"UP\",\"routes\":"
                            + routing.table().revision() + ",\"servedByPeers\":" + servedByPeers() + "}"));
        } else {
            request.response()
                    .setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer("{\"status\":\"DOWN\",\"message\":\"no routing snapshot from the control"
                            + " plane yet\"}"));
        }
    }
}
