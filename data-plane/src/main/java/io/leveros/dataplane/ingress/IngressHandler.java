package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.metrics.DataPlaneMetrics;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The first handler of a listening port: gRPC ({@code application/grpc*}) to {@link GrpcIngress},
 * {@code GET /_lever/health} to the health answer, {@code GET /_lever/metrics} to the Prometheus
 * scrape, everything else to the HTTP API.
 */
public final class IngressHandler implements Handler<HttpServerRequest> {
    public static final String HEALTH_PATH = "/_lever/health";
    public static final String METRICS_PATH = "/_lever/metrics";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence METRICS_TYPE = HttpHeaders.createOptimized(DataPlaneMetrics.CONTENT_TYPE);

    /** This data plane's version, for the health answer ("development build" when not run from its jar). */
    static final String VERSION = version();

    private final ControlPlanes controlPlanes;
    private final GrpcIngress grpc;
    private final HttpApiHandler api;
    private final RoutingState routing;
    private final Vertx vertx;
    private final DataPlaneMetrics metrics;

    /** @param controlPlanes for the health answer: which control plane the routes come from */
    public IngressHandler(
            GrpcIngress grpc,
            HttpApiHandler api,
            RoutingState routing,
            ControlPlanes controlPlanes,
            Vertx vertx,
            DataPlaneMetrics metrics) {
        this.controlPlanes = controlPlanes;
        this.grpc = grpc;
        this.api = api;
        this.routing = routing;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith(GrpcHeaders.CONTENT_TYPE)) {
            grpc.handle(request, type);
        } else if (request.method() == HttpMethod.GET && HEALTH_PATH.equals(request.path())) {
            health(request);
        } else if (request.method() == HttpMethod.GET && METRICS_PATH.equals(request.path())) {
            metrics(request);
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

    /** The scrape reads every pool (their locks, memory from {@code /proc}): on a worker thread. */
    private void metrics(HttpServerRequest request) {
        vertx.executeBlocking(metrics::scrape, false).onComplete(scrape -> {
            if (scrape.succeeded()) {
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, METRICS_TYPE)
                        .end(scrape.result());
            } else {
                HttpReplies.error(request.response(), scrape.cause());
            }
        });
    }

    private void health(HttpServerRequest request) {
        if (routing.ready()) {
            request.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer("{\"status\":\"UP\",\"routes\":"
                            + routing.table().revision() + ",\"version\":\"" + VERSION + "\",\"routesFrom\":\""
                            + controlPlanes.routesFrom()
                            + "\",\"servedByPeers\":" + servedByPeers() + "}"));
        } else {
            request.response()
                    .setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer("{\"status\":\"DOWN\",\"message\":\"no routing snapshot from the control"
                            + " plane yet\"}"));
        }
    }

    private static String version() {
        String version = IngressHandler.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
