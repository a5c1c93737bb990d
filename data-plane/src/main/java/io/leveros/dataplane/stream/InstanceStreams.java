package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.client.GrpcClientRequest;

/**
 * Opens streaming calls ({@code HandleStreamingRPC}) on instances, for every protocol a client
 * streams with: a lease on a ready instance (one is started if needed), then the gRPC stream to it.
 * Also keeps the {@link OpenStreams}.
 */
public final class InstanceStreams {
    /** A stream opened on an instance, with the lease it holds while open. */
    record Opened(Lease lease, GrpcClientRequest<Buffer, Buffer> request) {}

    private final LeaseSource leases;
    private final InstanceClient client;
    private final OpenStreams open;

    public InstanceStreams(LeaseSource leases, InstanceClient client, OpenStreams open) {
        this.leases = leases;
        this.client = client;
        this.open = open;
    }

    public OpenStreams open() {
        return open;
    }

    /**
     * Opens a stream for {@code call} on an instance. Called on an event loop; the stream and the
     * returned future belong to that event loop's context, whichever thread started the instance.
     */
    Future<Opened> open(Call call) {
        Context context = Vertx.currentContext();
        Promise<Opened> opened = Promise.promise();
        leases.acquire(call)
                .onComplete(leased -> onContext(context, () -> {
                    if (leased.failed()) {
                        opened.fail(leased.cause());
                        return;
                    }
                    Lease lease = leased.result();
                    client.openStream(lease, call.leverUrl()).onComplete(request -> {
                        if (request.failed()) {
                            lease.release();
                            opened.fail(request.cause());
                        } else {
                            lease.forStream();
                            opened.complete(new Opened(lease, request.result()));
                        }
                    });
                }));
        return opened.future();
    }

    private static void onContext(Context context, Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
