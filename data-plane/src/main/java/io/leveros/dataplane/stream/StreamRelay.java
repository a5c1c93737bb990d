package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Activator;
import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * Relays a streaming call ({@code core.LeverRPC/HandleStreamingRPC}) between a client and one
 * instance, message by message, undecoded, in both directions at once.
 *
 * <p>Flow control end to end: each direction pauses its source while its destination's write queue
 * is full, so a slow reader slows the writer and the data plane holds a bounded amount per stream
 * (the write queues plus HTTP/2 windows). No platform timeout applies to an open stream. The stream
 * holds its instance's lease while open, so it counts as load and keeps the instance from being
 * stopped as idle; the lease is released once, when either side ends the call.
 */
public final class StreamRelay {
    private final Activator activator;
    private final InstanceClient client;

    public StreamRelay(Activator activator, InstanceClient client) {
        this.activator = activator;
        this.client = client;
    }

    /** Called on the request's event loop; never blocks. */
    public void relay(GrpcServerRequest<Buffer, Buffer> inbound, ServiceRoute route, String leverUrl) {
        GrpcServerResponse<Buffer, Buffer> outbound = inbound.response();
        inbound.pause(); // nothing is read until the instance's side is open
        activator.acquire(route).onComplete(leased -> {
            if (leased.failed()) {
                fail(outbound, leased.cause());
                return;
            }
            Lease lease = leased.result();
            client.openStream(lease.instance(), leverUrl).onComplete(opened -> {
                if (opened.failed()) {
                    lease.release();
                    fail(outbound, opened.cause());
                    return;
                }
                connect(inbound, opened.result(), lease);
            });
        });
    }

    private static void connect(
            GrpcServerRequest<Buffer, Buffer> inbound, GrpcClientRequest<Buffer, Buffer> toInstance, Lease lease) {
        GrpcServerResponse<Buffer, Buffer> toClient = inbound.response();
        Instance instance = lease.instance();

        // client -> instance; the client's half-close ends the instance's inbound side.
        forward(inbound, toInstance);
        inbound.endHandler(v -> toInstance.end());
        inbound.exceptionHandler(failure -> {
            toInstance.cancel(); // the client went away: stop the handler's stream too
            lease.release();
        });

        // instance -> client, then the instance's status.
        toInstance.response().onComplete(answered -> {
            if (answered.failed()) {
                lease.release();
                fail(toClient, InstanceClient.failed(instance, answered.cause()));
                return;
            }
            GrpcClientResponse<Buffer, Buffer> fromInstance = answered.result();
            forward(fromInstance, toClient);
            fromInstance.endHandler(v -> {
                lease.release();
                toClient.status(fromInstance.status());
                if (fromInstance.statusMessage() != null) {
                    toClient.statusMessage(fromInstance.statusMessage());
                }
                toClient.end();
            });
            fromInstance.exceptionHandler(failure -> {
                lease.release();
                fail(toClient, InstanceClient.failed(instance, failure));
            });
        });
        inbound.resume();
    }

    /** Copies messages from {@code source} to {@code destination}, pausing while it is full. */
    private static void forward(ReadStream<Buffer> source, WriteStream<Buffer> destination) {
        source.handler(message -> {
            destination.write(message);
            if (destination.writeQueueFull()) {
                source.pause();
                destination.drainHandler(v -> source.resume());
            }
        });
    }

    private static void fail(GrpcServerResponse<Buffer, Buffer> response, Throwable failure) {
        try {
            if (failure instanceof CallException e) {
                response.status(e.grpcStatus()).statusMessage(e.getMessage()).end();
            } else {
                response.status(GrpcStatus.UNAVAILABLE)
                        .statusMessage("the stream failed: " + failure)
                        .end();
            }
        } catch (IllegalStateException alreadyClosed) {
            // the client went away first (its cancel also ended the instance's side): nobody to tell
        }
    }
}
