package io.leveros.dataplane.routing;

import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.retry.Jitter;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Keeps one {@code lever.control.v1.Routing/WatchRoutes} stream open to a control plane (with this
 * node's credential) and swaps every snapshot it receives into the {@link RoutingState}. It starts
 * with the first of the {@link ControlPlanes}; when the stream fails, ends or cannot be opened it
 * tries the next one 100 ms later (jittered), so a node fails over within a second of its control
 * plane going away (or the connect timeout, 2 s, when the address does not answer). Once every
 * control plane failed in a row it waits longer, doubling up to 5 s, while the last table keeps
 * serving; until the first snapshot it tries every 100 ms.
 *
 * <p>A control plane that went away without a reset (its host or link gone) leaves the stream open
 * and silent, and a stream that carries nothing when nothing changes cannot tell that from a quiet
 * cluster. The {@link io.leveros.dataplane.peer.InstanceReporter}'s reports, answered by every control
 * plane every 2 s, can: when the control plane this stream is to (or is being opened to) leaves them
 * unanswered ({@link #unanswered}), the stream is given up and the next control plane tried, as if
 * it had failed.
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
    private final ControlPlanes controlPlanes;
    private final String nodeId;
    private final NodeCredential credential;
    private final RoutingState state;
    private final ScalingTermFence terms = new ScalingTermFence();
    private Context context;
    /** The control plane of the current attempt, and its call once there is one. */
    private SocketAddress attemptTo;

    private GrpcClientRequest<WatchRoutesRequest, RoutingSnapshot> attemptCall;

    /** Index into the control planes of the one this stream is to. */
    private int index;
    /** Control planes that failed in a row, since a stream last delivered a snapshot. */
    private int failedInARow;

    private long backoffMs = MIN_BACKOFF_MS;
    private int attempt;
    private volatile boolean closed;

    /** @param client the data plane's gRPC client for the control plane (h2c), closed by its owner */
    public RoutesSubscriber(
            Vertx vertx,
            GrpcClient client,
            ControlPlanes controlPlanes,
            String nodeId,
            NodeCredential credential,
            RoutingState state) {
        this.vertx = vertx;
        this.client = client;
        this.controlPlanes = controlPlanes;
        this.nodeId = nodeId;
        this.credential = credential;
        this.state = state;
    }

    /** Opens the stream; returns at once. */
    public void start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> connect());
    }

    /**
     * The reports to {@code controlPlane} went unanswered for {@code silentMs}: if the routes come, or
     * are being asked, from it, the stream is given up for the next control plane. Any thread.
     */
    public void unanswered(SocketAddress controlPlane, long silentMs) {
        context.runOnContext(v -> {
            if (closed || !controlPlane.equals(attemptTo)) {
                return;
            }
            int current = attempt;
            if (attemptCall != null) {
                attemptCall.cancel();
            }
            retry(
                    current,
                    controlPlane,
                    "it answered no report for " + silentMs + " ms, so its connection is taken for cut (a host or"
                            + " link gone without a reset)");
        });
    }

    private void connect() {
        if (closed) {
            return;
        }
        int current = ++attempt;
        SocketAddress controlPlane = controlPlanes.all().get(index);
        attemptTo = controlPlane;
        attemptCall = null;
        credential
                .request(client, controlPlane, WATCH_ROUTES)
                .compose(request -> {
                    if (current == attempt) {
                        attemptCall = request;
                    }
                    return request.send(
                            WatchRoutesRequest.newBuilder().setNodeId(nodeId).build());
                })
                .onSuccess(response -> follow(response, controlPlane, current))
                .onFailure(failure -> retry(current, controlPlane, "could not open WatchRoutes: " + failure));
    }

    private void follow(
            GrpcClientResponse<WatchRoutesRequest, RoutingSnapshot> response, SocketAddress controlPlane, int current) {
        boolean[] accepted = {false};
        response.handler(snapshot -> {
            if (current != attempt) {
                return; // a stream given up on
            }
            backoffMs = MIN_BACKOFF_MS;
            failedInARow = 0;
            RoutingTable table = RoutingTable.compile(terms.apply(snapshot), nodeId);
            // Until this stream delivered a table, the current one may be another control plane's.
            if (state.update(table, !accepted[0])) {
                if (!accepted[0] && !controlPlane.equals(controlPlanes.routesFrom())) {
                    LOG.log(
                            Level.WARNING,
                            "routes now come from the control plane at {0} (was {1})",
                            controlPlane,
                            controlPlanes.routesFrom());
                }
                accepted[0] = true;
                controlPlanes.routesFrom(controlPlane);
                LOG.log(Level.DEBUG, "routing table revision {0} swapped in", table.revision());
            }
        });
        response.exceptionHandler(failure -> retry(current, controlPlane, "WatchRoutes stream failed: " + failure));
        response.endHandler(v -> {
            GrpcStatus status = response.status();
            retry(
                    current,
                    controlPlane,
                    "WatchRoutes stream ended with status " + status + " " + response.statusMessage());
        });
    }

    private void retry(int failedAttempt, SocketAddress controlPlane, String reason) {
        if (closed || failedAttempt != attempt) {
            return;
        }
        attempt++; // a second report of the same failure is ignored
        credential.callFailed();
        List<SocketAddress> all = controlPlanes.all();
        index = (index + 1) % all.size();
        failedInARow++;
        boolean starting = state.table().revision() < 0;
        boolean firstOfOutage = failedInARow == 1;
        long delay;
        if (starting || failedInARow < all.size()) {
            delay = Jitter.spread(MIN_BACKOFF_MS); // the next control plane at once
        } else {
            delay = Jitter.spread(backoffMs); // every one failed: back off
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        // Before the first snapshot the control plane is most likely still starting (lever up starts
        // both at once): retry at the shortest interval, quietly, so the data plane is ready as soon
        // as the control plane is. After that, warn once per outage, not at every retry.
        LOG.log(
                !starting && firstOfOutage ? Level.WARNING : Level.DEBUG,
                "control plane at {0}: {1}; keeping routing revision {2}, trying {3} in {4} ms",
                controlPlane,
                reason,
                state.table().revision(),
                all.get(index),
                delay);
        vertx.setTimer(delay, id -> connect());
    }

    @Override
    public void close() {
        closed = true;
    }
}
