package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.instance.Instance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * Relays a streaming call ({@code core.LeverRPC/HandleStreamingRPC}) between a gRPC client and one
 * instance, message by message, undecoded, in both directions at once.
 *
 * <p>Flow control end to end: each direction pauses its source while its destination's write queue
 * is full, so a slow reader slows the writer and the data plane holds a bounded amount per stream
 * (the write queues plus HTTP/2 windows). No platform timeout cuts a stream that exchanges
 * messages; one silent for the idle timeout is closed ({@link OpenStreams}). The stream holds its
 * instance's lease while open, so it counts as load and keeps the instance from being stopped as
 * idle; the lease is released once, when either side ends the call.
 */
public final class StreamRelay {
    private final InstanceStreams instances;

    public StreamRelay(InstanceStreams instances) {
        this.instances = instances;
    }

    /** Called on the request's event loop; never blocks. */
    public void relay(GrpcServerRequest<Buffer, Buffer> inbound, Call call) {
        inbound.pause(); // nothing is read until the instance's side is open
        instances.open(call).onComplete(opened -> {
            if (opened.failed()) {
                fail(inbound.response(), opened.cause());
                return;
            }
            new RelayedStream(inbound, opened.result()).connect();
        });
    }

    /** One relayed stream, as the idle check sees it. */
    private final class RelayedStream implements OpenStreams.OpenStream {
        private final GrpcServerRequest<Buffer, Buffer> inbound;
        private final GrpcServerResponse<Buffer, Buffer> toClient;
        private final GrpcClientRequest<Buffer, Buffer> toInstance;
        private final Lease lease;
        private final Context context = Vertx.currentContext();
        private volatile long lastActivity = System.nanoTime();
        private boolean ended;

        RelayedStream(GrpcServerRequest<Buffer, Buffer> inbound, InstanceStreams.Opened opened) {
            this.inbound = inbound;
            this.toClient = inbound.response();
            this.toInstance = opened.request();
            this.lease = opened.lease();
        }

        void connect() {
            instances.open().add(this);
            // client -> instance; the client's half-close ends the instance's inbound side.
            forward(inbound, toInstance);
            inbound.endHandler(v -> {
                if (!ended) {
                    toInstance.end();
                }
            });
            // The read side fails when the client goes away, or when the ingress refuses what it sent
            // (then the client is told why); it may have failed while the instance's side was opening.
            inbound.end().onFailure(failure -> {
                boolean open = !ended;
                clientGone();
                if (open && failure instanceof CallException refused) {
                    fail(toClient, refused);
                }
            });

            // instance -> client, then the instance's status.
            toInstance.response().onComplete(answered -> {
                if (ended) {
                    return;
                }
                if (answered.failed()) {
                    ended();
                    fail(toClient, InstanceClient.failed(lease, answered.cause()));
                    return;
                }
                GrpcClientResponse<Buffer, Buffer> fromInstance = answered.result();
                forward(fromInstance, toClient);
                fromInstance.endHandler(v -> {
                    if (ended) {
                        return;
                    }
                    ended();
                    try {
                        toClient.status(fromInstance.status());
                        if (fromInstance.statusMessage() != null) {
                            toClient.statusMessage(fromInstance.statusMessage());
                        }
                        toClient.end();
                    } catch (IllegalStateException clientGone) {
                        // the client went away as the instance ended: nobody to tell
                    }
                });
                fromInstance.exceptionHandler(failure -> {
                    if (ended) {
                        return;
                    }
                    ended();
                    fail(toClient, InstanceClient.failed(lease, failure));
                });
            });
            inbound.resume();
        }

        private void ended() {
            ended = true;
            lease.release();
            instances.open().remove(this);
        }

        /** The client cancelled or lost its connection: stop the handler's stream too. */
        private void clientGone() {
            if (ended) {
                return;
            }
            ended();
            cancelInstanceSide();
        }

        private void cancelInstanceSide() {
            try {
                toInstance.cancel();
            } catch (IllegalStateException alreadyEnded) {
                // the instance's side was already over
            }
        }

        /**
         * Copies messages from {@code source} to {@code destination}, pausing while it is full. Once
         * the stream has ended, what was still in flight is dropped.
         */
        private void forward(ReadStream<Buffer> source, WriteStream<Buffer> destination) {
            source.handler(message -> {
                if (ended) {
                    return;
                }
                lastActivity = System.nanoTime();
                try {
                    destination.write(message);
                } catch (IllegalStateException destinationGone) {
                    clientGone(); // only the client's side can be gone while the stream has not ended
                    return;
                }
                if (destination.writeQueueFull()) {
                    source.pause();
                    destination.drainHandler(v -> source.resume());
                }
            });
        }

        @Override
        public long lastActivityNanos() {
            return lastActivity;
        }

        @Override
        public Instance instance() {
            return lease.instance();
        }

        @Override
        public void endWith(CallException error) {
            context.runOnContext(v -> {
                if (ended) {
                    return;
                }
                ended();
                cancelInstanceSide();
                fail(toClient, error);
            });
        }
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
