package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.instance.Instance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Relays a gRPC streaming call ({@code core.LeverRPC/HandleStreamingRPC}) between a gRPC client and
 * one instance, frame by frame, in both directions at once. The data plane does not take the gRPC
 * messages apart: the DATA of the client's request goes on to the instance as it comes, the
 * instance's reply headers, DATA and trailers ({@code grpc-status}) come back the same way. A 64 KiB
 * message is never put together nor copied behind a new prefix, so a byte stream costs the data
 * plane little more than the bytes' passage.
 *
 * <p>Flow control end to end: each direction pauses its source while its destination's write queue
 * is full, so a slow reader slows the writer and the data plane holds a bounded amount per stream
 * (the write queues plus HTTP/2 windows). No platform timeout cuts a stream that exchanges data;
 * one silent for the idle timeout is closed ({@link OpenStreams}). The stream holds its instance's
 * lease while open, so it counts as load and keeps the instance from being stopped as idle; the
 * lease is released once, when either side ends the call.
 *
 * <p>Platform errors (no instance, the idle timeout, a replaced version, an instance that failed)
 * are gRPC statuses: a trailers-only answer before the instance answered, trailers after.
 */
public final class StreamRelay {

    private final InstanceStreams instances;

    public StreamRelay(InstanceStreams instances) {
        this.instances = instances;
    }

    /**
     * Called on the request's event loop; never blocks. A failure of {@code inbound}'s read side
     * with a {@link CallException} (the ingress refused what the client sent) ends the stream with
     * that error.
     */
    public void relay(HttpServerRequest inbound, Call call) {
        inbound.pause(); // nothing is read until the instance's side is open
        RelayedStream stream = new RelayedStream(inbound);
        instances.openRelayed(call, inbound.headers()).onComplete(opened -> {
            if (opened.failed()) {
                stream.openFailed(opened.cause());
            } else {
                stream.opened(opened.result());
            }
        });
    }

    /** One relayed stream, as the idle check sees it. */
    private final class RelayedStream implements OpenStreams.OpenStream {
        private final HttpServerRequest inbound;
        private final HttpServerResponse toClient;
        private final Context context = Vertx.currentContext();
        private volatile long lastActivity = System.nanoTime();
        private volatile Lease lease;
        private HttpClientRequest toInstance;
        private boolean ended;

        /** Watches the client from the start: it may go away, or be refused, while the instance's side opens. */
        RelayedStream(HttpServerRequest inbound) {
            this.inbound = inbound;
            this.toClient = inbound.response();
            // The read side fails when the client goes away, or when the ingress refuses what it sent
            // (then the client is told why).
            inbound.exceptionHandler(failure -> {
                boolean open = !ended;
                end();
                if (open && failure instanceof CallException refused) {
                    fail(toClient, refused);
                }
            });
            toClient.exceptionHandler(failure -> end());
            toClient.closeHandler(v -> end());
        }

        void openFailed(Throwable failure) {
            if (!ended) {
                ended = true;
                fail(toClient, failure);
            }
        }

        void opened(InstanceStreams.Opened<HttpClientRequest> opened) {
            lease = opened.lease();
            toInstance = opened.request();
            if (ended) { // the client went away while the instance's side opened
                lease.release();
                toInstance.reset();
                return;
            }
            instances.open().add(this);
            toInstance.setChunked(true); // HTTP/2: no content-length, the data goes as it comes
            toInstance.sendHead(); // the instance sees the call at once, before the client's first message
            // client -> instance; the client's half-close ends the instance's inbound side.
            forward(inbound, toInstance);
            inbound.endHandler(v -> {
                if (!ended) {
                    toInstance.end();
                }
            });

            // instance -> client: its headers, its data, then its trailers.
            // A failure of the instance's side reaches the response's handlers below; without a handler
            // here Vert.x would also log each one.
            toInstance.exceptionHandler(failure -> {});
            toInstance.response().onComplete(answered -> {
                if (ended) {
                    return;
                }
                if (answered.failed()) {
                    end();
                    fail(toClient, InstanceClient.failed(lease, answered.cause()));
                    return;
                }
                HttpClientResponse fromInstance = answered.result();
                if (fromInstance.statusCode() != 200) {
                    end();
                    fail(
                            toClient,
                            InstanceClient.failed(
                                    lease,
                                    new IllegalStateException(
                                            "it answered HTTP " + fromInstance.statusCode() + " to a gRPC stream")));
                    return;
                }
                toClient.setChunked(true).headers().addAll(fromInstance.headers());
                forward(fromInstance, toClient);
                fromInstance.endHandler(v -> {
                    if (ended) {
                        return;
                    }
                    completed();
                    try {
                        toClient.trailers().addAll(fromInstance.trailers());
                        toClient.end();
                    } catch (IllegalStateException clientGone) {
                        // the client went away as the instance ended: nobody to tell
                    }
                });
                fromInstance.exceptionHandler(failure -> {
                    if (ended) {
                        return;
                    }
                    end();
                    fail(toClient, InstanceClient.failed(lease, failure));
                });
            });
            inbound.resume();
        }

        /** The instance ended its side: the stream is over, nothing to cancel. */
        private void completed() {
            ended = true;
            lease.release();
            instances.open().remove(this);
        }

        /**
         * Ends the stream early (the client went away or was refused, the instance failed, the
         * platform ended it): releases the instance and cancels its side. Once only.
         */
        private void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (lease != null) {
                lease.release();
                instances.open().remove(this);
                toInstance.reset(); // a no-op once the instance's side is over
            }
        }

        /**
         * Copies data from {@code source} to {@code destination}, pausing while it is full. Once the
         * stream has ended, what was still in flight is dropped.
         */
        private void forward(ReadStream<Buffer> source, WriteStream<Buffer> destination) {
            source.handler(data -> {
                if (ended) {
                    return;
                }
                lastActivity = System.nanoTime();
                try {
                    destination.write(data);
                } catch (IllegalStateException destinationGone) {
                    end(); // only the client's side can be gone while the stream has not ended
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
            Lease held = lease;
            return held == null ? null : held.instance();
        }

        @Override
        public void endWith(CallException error) {
            context.runOnContext(v -> {
                if (!ended) {
                    end();
                    fail(toClient, error);
                }
            });
        }
    }

    /**
     * Ends the client's call with {@code failure} as its gRPC status: in the headers when nothing was
     * answered yet (trailers-only), else in the trailers.
     */
    public static void fail(HttpServerResponse response, Throwable failure) {
        GrpcStatus status;
        String message;
        if (failure instanceof CallException e) {
            status = e.grpcStatus();
            message = e.getMessage();
        } else {
            status = GrpcStatus.UNAVAILABLE;
            message = "the stream failed: " + failure;
        }
        GrpcHeaders.end(response, status, message);
    }
}
