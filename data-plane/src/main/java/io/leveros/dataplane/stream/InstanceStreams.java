package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.forwarding.BridgedStream;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.forwarding.InstanceStream;
import io.leveros.dataplane.peer.UnreachablePeers;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Opens streaming calls ({@code HandleStreamingRPC}) on instances, for every protocol a client
 * streams with: a lease on a ready instance (one is started if needed), then the gRPC stream to it.
 * Also keeps the {@link OpenStreams}.
 */
public final class InstanceStreams {
    /**
     * A stream opened on an instance, with the lease it holds while open, and how many times it was
     * placed again before (what it was sent to first did not take it).
     */
    record Opened<R>(Lease lease, R request, int detours) {}

    private final LeaseSource leases;
    private final InstanceClient client;
    private final UnreachablePeers unreachable;
    private final OpenStreams open;

    public InstanceStreams(LeaseSource leases, InstanceClient client, UnreachablePeers unreachable, OpenStreams open) {
        this.leases = leases;
        this.client = client;
        this.unreachable = unreachable;
        this.open = open;
    }

    public OpenStreams open() {
        return open;
    }

    /**
     * Opens a stream for {@code call} on an instance, after {@code detours} places that refused it
     * ({@link #mayOpenAgain}; 0 the first time). Called on an event loop; the stream and the returned
     * future belong to that event loop's context, whichever thread started the instance.
     */
    Future<Opened<BridgedStream>> open(Call call, int detours) {
        return open(call, lease -> client.openStream(lease, call.leverUrl(), call.trace()), detours);
    }

    /**
     * Opens a stream for {@code call} whose gRPC frames are relayed as they come, with the client's
     * {@code headers} that concern the frames (their encoding); the instance's frames go to {@code
     * frames}. As {@link #open(Call, int)}.
     */
    Future<Opened<InstanceStream>> openRelayed(
            Call call, Http2Headers headers, InstanceStream.Frames frames, int detours) {
        return open(
                call,
                lease -> client.openRelayedStream(lease, call.leverUrl(), call.trace(), headers, frames),
                detours);
    }

    /**
     * Whether a stream that was opened after {@code detours} detours on {@code lease}, and failed with
     * {@code failure} before its instance answered, may be opened again elsewhere: the failure says it
     * was not delivered (its instance refused it unprocessed, or its node could not be reached), and
     * the stream has detours left. What refused it is left out, as for a call ({@link
     * InstanceClient#leftOutIfNotDelivered}). One budget for a stream's every detour, whether it was
     * refused while being opened or after.
     */
    boolean mayOpenAgain(Lease lease, int detours, Throwable failure) {
        return InstanceClient.leftOutIfNotDelivered(lease, failure, unreachable)
                && detours < UnreachablePeers.MAX_DETOURS;
    }

    private <R> Future<Opened<R>> open(Call call, Function<Lease, Future<R>> opener, int detours) {
        Promise<Opened<R>> opened = Promise.promise();
        open(call, opener, Vertx.currentContext(), opened, detours);
        return opened.future();
    }

    private <R> void open(
            Call call, Function<Lease, Future<R>> opener, Context context, Promise<Opened<R>> opened, int detours) {
        leases.acquire(call)
                .onComplete(leased -> onContext(context, () -> {
                    if (leased.failed()) {
                        opened.fail(leased.cause());
                        return;
                    }
                    Lease lease = leased.result();
                    opener.apply(lease).onComplete(request -> {
                        if (request.failed()) {
                            lease.release();
                            if (mayOpenAgain(lease, detours, request.cause())) {
                                open(call, opener, context, opened, detours + 1); // nothing was sent: elsewhere
                            } else {
                                opened.fail(request.cause());
                            }
                        } else {
                            lease.forStream();
                            opened.complete(new Opened<>(lease, request.result(), detours));
                        }
                    });
                }));
    }

    private static void onContext(Context context, Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
