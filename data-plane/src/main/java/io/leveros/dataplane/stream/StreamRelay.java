package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.forwarding.InstanceStream;
import io.leveros.dataplane.instance.Instance;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.vertx.core.internal.ContextInternal;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Relays a gRPC streaming call ({@code core.LeverRPC/HandleStreamingRPC}) between a gRPC client and
 * one instance, HTTP/2 frame by frame, in both directions at once, below Vert.x on both connections:
 * the client's DATA goes on to the instance as it comes, the instance's headers, DATA and trailers
 * ({@code grpc-status}) come back the same way. Nothing is decoded or put together; a DATA frame's
 * bytes go out as they were read, not copied while the other side keeps up ({@link OutgoingData}).
 *
 * <p>Flow control end to end: the bytes of a DATA frame count as read by the side that sent them only
 * once they went out on the other side, so a slow reader holds the writer to its HTTP/2 window and the
 * data plane holds at most a window per direction per stream. No platform timeout cuts a stream that
 * exchanges data; one silent for the idle timeout is closed ({@link OpenStreams}). The stream holds its
 * instance's lease while open, so it counts as load and keeps the instance from being stopped as idle;
 * the lease is released once, when either side ends the call.
 *
 * <p>Platform errors (no instance, the idle timeout, a replaced version, an instance that failed) are
 * gRPC statuses: a trailers-only answer before the instance answered, trailers after.
 */
public final class StreamRelay {
    private static final AsciiString OK_STATUS = AsciiString.cached("200");

    private final InstanceStreams instances;

    public StreamRelay(InstanceStreams instances) {
        this.instances = instances;
    }

    /**
     * A client's stream {@code streamId} on {@code http2}, whose HEADERS just came; the client's frames
     * go to the returned stream from now on, which {@link RelayedStream#open}s it or {@link
     * RelayedStream#refuse}s it. Called on the connection's event loop.
     *
     * @param context the connection's context, which the platform's ends of the stream run in
     */
    public RelayedStream accept(
            Http2ConnectionHandler http2, ChannelHandlerContext ctx, int streamId, ContextInternal context) {
        return new RelayedStream(http2, ctx, streamId, context);
    }

    /** One relayed stream; every method but {@link #endWith} is called on its connection's event loop. */
    public final class RelayedStream implements OpenStreams.OpenStream, InstanceStream.Frames {
        private final Http2ConnectionHandler http2;
        private final ChannelHandlerContext ctx;
        private final int streamId;
        private final ContextInternal context;
        /** The client's DATA on its way to the instance, gathered until the instance's side opened. */
        private final OutgoingData toInstance = new OutgoingData(this::consumedFromClient);
        /** The instance's DATA on its way to the client. */
        private final OutgoingData toClient;

        private volatile long lastActivity = System.nanoTime();
        private volatile Lease lease;
        private InstanceStream instance;

        private boolean clientEnded;
        /** The client has the instance's headers: a failure goes in trailers. */
        private boolean answered;
        /** Over, either way: the frames still coming are read and dropped. */
        private boolean ended;

        private RelayedStream(
                Http2ConnectionHandler http2, ChannelHandlerContext ctx, int streamId, ContextInternal context) {
            this.http2 = http2;
            this.ctx = ctx;
            this.streamId = streamId;
            this.context = context;
            this.toClient = new OutgoingData(bytes -> instance.consumed(bytes));
            toClient.open(this::writeToClient);
        }

        /**
         * Opens the instance's side for {@code call}, with the client's {@code headers} that concern the
         * frames (their encoding); the client's DATA waits until it is open. Runs in the connection's
         * context.
         */
        public void open(Call call, Http2Headers headers) {
            instances.openRelayed(call, headers, this).onComplete(opened -> {
                if (opened.failed()) {
                    openFailed(opened.cause());
                } else {
                    opened(opened.result().lease(), opened.result().request());
                }
            });
        }

        /** Ends the stream with {@code refusal} of what the client sent: the client is told why. */
        public void refuse(CallException refusal) {
            if (!ended) {
                end();
                fail(refusal);
            }
        }

        /**
         * A DATA frame of the client's, only valid during the call: answers how many of its bytes were
         * read now (the others are read once they went out to the instance).
         */
        public int clientData(ByteBuf data, boolean end) {
            int bytes = data.readableBytes();
            if (ended) {
                return bytes;
            }
            lastActivity = System.nanoTime();
            clientEnded = end;
            toInstance.send(data, end);
            return 0;
        }

        /** The client ended its side with trailers, or with an empty DATA frame. */
        public void clientEnded() {
            if (ended || clientEnded) {
                return;
            }
            clientEnded = true;
            toInstance.send(Unpooled.EMPTY_BUFFER, true);
        }

        /** The client's stream closed (reset, or its connection lost) before the relay ended it. */
        public void clientGone() {
            end();
        }

        private void openFailed(Throwable failure) {
            toInstance.close();
            if (!ended) {
                ended = true;
                fail(failure);
            }
        }

        private void opened(Lease held, InstanceStream stream) {
            lease = held;
            instance = stream;
            if (ended) { // the client went away, or was refused, while the instance's side opened
                toInstance.close();
                lease.release();
                instance.reset();
                return;
            }
            instances.open().add(this);
            toInstance.open(instance::write);
        }

        /** The client's bytes went out to the instance: they count as read by the client. */
        private void consumedFromClient(int bytes) {
            Http2Stream stream = http2.connection().stream(streamId);
            if (stream == null) { // closed: Netty gave its bytes back to the connection's window
                return;
            }
            try {
                if (http2.connection().local().flowController().consumeBytes(stream, bytes)) {
                    http2.flush(ctx); // a WINDOW_UPDATE was written
                }
            } catch (Http2Exception e) {
                http2.onError(ctx, false, e);
            }
        }

        @Override
        public void onHeaders(Http2Headers headers, boolean end) {
            if (ended) {
                return;
            }
            if (!answered && !OK_STATUS.contentEquals(headers.status())) {
                end();
                fail(InstanceClient.failed(
                        lease,
                        new IllegalStateException("it answered HTTP " + headers.status() + " to a gRPC stream")));
                return;
            }
            answered = true;
            if (end) {
                completed();
                toClient.writeGathered(); // the trailers come after every DATA frame
            }
            http2.encoder().writeHeaders(ctx, streamId, headers, 0, end, ctx.newPromise());
            http2.flush(ctx);
        }

        @Override
        public int onData(ByteBuf data, boolean end) {
            int bytes = data.readableBytes();
            if (ended) {
                return bytes;
            }
            lastActivity = System.nanoTime();
            if (end) {
                completed();
            }
            toClient.send(data, end);
            return 0;
        }

        private ChannelFuture writeToClient(ByteBuf data, boolean end) {
            ChannelFuture written = http2.encoder().writeData(ctx, streamId, data, 0, end, ctx.newPromise());
            http2.flush(ctx); // through the handler: it writes what its flow control holds
            return written;
        }

        @Override
        public void onFailure(CallException failure) {
            if (!ended) {
                end();
                fail(failure);
            }
        }

        /** The instance ended its side: the stream is over, nothing to cancel. */
        private void completed() {
            ended = true;
            toInstance.close(); // what the client still sends is dropped
            lease.release();
            instances.open().remove(this);
        }

        /**
         * Ends the stream early (the client went away or was refused, the instance failed, the platform
         * ended it): releases the instance and cancels its side. Once only.
         */
        private void end() {
            if (ended) {
                return;
            }
            ended = true;
            toInstance.close();
            toClient.close();
            if (instance != null) {
                lease.release();
                instances.open().remove(this);
                instance.reset(); // a no-op once the instance's side is over
            }
        }

        /**
         * Ends the client's call with {@code failure} as its gRPC status: in the headers when nothing was
         * answered yet (trailers-only), else in the trailers. A stream the client closed is left alone.
         */
        private void fail(Throwable failure) {
            Http2Stream stream = http2.connection().stream(streamId);
            if (stream == null || !stream.state().localSideOpen()) {
                return;
            }
            GrpcStatus status;
            String message;
            if (failure instanceof CallException e) {
                status = e.grpcStatus();
                message = e.getMessage();
            } else {
                status = GrpcStatus.UNAVAILABLE;
                message = "the stream failed: " + failure;
            }
            http2.encoder()
                    .writeHeaders(
                            ctx,
                            streamId,
                            GrpcHeaders.statusHeaders(status, message, !answered),
                            0,
                            true,
                            ctx.newPromise());
            http2.flush(ctx);
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
                    fail(error);
                }
            });
        }
    }
}
