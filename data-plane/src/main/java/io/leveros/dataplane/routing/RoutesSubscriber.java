package io.leveros.dataplane.routing;

import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.retry.Jitter;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.lang.System.Logger.Level;

/**
 * Keeps one {@code lever.control.v1.Routing/WatchRoutes} stream open to the control plane (with this
 * node's credential) and
 * swaps every snapshot it receives into the {@link RoutingState}. When the stream fails or ends it
 * reconnects with capped exponential backoff (100 ms → 5 s, jittered) while the last table keeps serving;
 * until the first snapshot it retries every 100 ms.
 *
 * <p>Runs on one Vert.x event loop; never called from the request path.
 */
public final class RoutesSubscriber implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoutesSubscriber.class.getName());
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private static final ServiceMethod<RoutingSnapshot, WatchRoutesRequest> WATCH_ROUTES = ServiceMethod.client(
            ServiceName.create("lever.control.v1", "Routing"),
            "WatchRoutes",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(RoutingSnapshot.getDefaultInstance()));

    private final Vertx vertx;
    private final GrpcClient client;
    private final SocketAddress controlPlane;
    private final String nodeId;
    private final NodeCredential credential;
    private final RoutingState state;
    private long backoffMs = MIN_BACKOFF_MS;
    private int attempt;
    private volatile boolean closed;

    /** @param client the data plane's gRPC client for the control plane (h2c), closed by its owner */
    public RoutesSubscriber(
            Vertx vertx,
            GrpcClient client,
            SocketAddress controlPlane,
            String nodeId,
            NodeCredential credential,
            RoutingState state) {
        this.vertx = vertx;
        this.client = client;
        this.controlPlane = controlPlane;
        this.nodeId = nodeId;
        this.credential = credential;
        this.state = state;
    }

    /** Opens the stream; returns at once. */
    public void start() {
        vertx.runOnContext(v -> connect());
    }

    private void connect() {
        if (closed) {
            return;
        }
        int current = ++attempt;
        credential
                .request(client, controlPlane, WATCH_ROUTES)
                .compose(request -> request.send(
                        WatchRoutesRequest.newBuilder().setNodeId(nodeId).build()))
                .onSuccess(response -> follow(response, current))
                .onFailure(failure -> retry(current, "could not open WatchRoutes: " + failure));
    }

    private void follow(GrpcClientResponse<WatchRoutesRequest, RoutingSnapshot> response, int current) {
        response.handler(snapshot -> {
            backoffMs = MIN_BACKOFF_MS;
            RoutingTable table = RoutingTable.compile(snapshot, nodeId);
            if (state.update(table)) {
                LOG.log(Level.DEBUG, "routing table revision {0} swapped in", table.revision());
            }
        });
        response.exceptionHandler(failure -> retry(current, "WatchRoutes stream failed: " + failure));
        response.endHandler(v -> {
            GrpcStatus status = response.status();
            retry(current, "WatchRoutes stream ended with status " + status + " " + response.statusMessage());
        });
    }

    private void retry(int failedAttempt, String reason) {
        if (closed || failedAttempt != attempt) {
            return;
        }
        attempt++; // a second report of the same failure is ignored
        credential.callFailed();
        boolean starting = state.table().revision() < 0;
        boolean firstOfOutage = backoffMs == MIN_BACKOFF_MS;
        long delay = Jitter.spread(backoffMs);
        if (!starting) {
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        // Before the first snapshot the control plane is most likely still starting (lever up starts
        // both at once): retry at the shortest interval, quietly, so the data plane is ready as soon
        // as the control plane is. After that, warn once per outage, not at every retry.
        LOG.log(
                !starting && firstOfOutage ? Level.WARNING : Level.DEBUG,
                "control plane at {0}: {1}; keeping routing revision {2}, retrying in {3} ms",
                controlPlane,
                reason,
                state.table().revision(),
                delay);
        vertx.setTimer(delay, id -> connect());
    }

    @Override
    public void close() {
        closed = true;
    }
}
