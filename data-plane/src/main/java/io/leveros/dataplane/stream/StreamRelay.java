package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.forwarding.InstanceStream;
import io.leveros.dataplane.instance.Instance;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.vertx.core.internal.ContextInternal;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayDeque;

/**
 * Relays a gRPC streaming call ({@code core.LeverRPC/HandleStreamingRPC}) between a gRPC client and
 * one instance, HTTP/2 frame by frame, in both directions at once, below Vert.x on both connections:
 * the client's DATA goes on to the instance as it comes, the instance's headers, DATA and trailers
 * ({@code grpc-status}) come back the same way. Nothing is decoded or put together; a DATA frame's
 * bytes go out as they were read, not copied while the other side keeps up ({@link RelayedStream#passedOn}).
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
    /**
     * A DATA frame is passed on without a copy while fewer bytes than this wait to go out on the
     * connection it goes to (see {@link RelayedStream#passedOn}).
     */
    private static final int UNCOPIED_WHILE_WAITING_BELOW = 64 * 1024;

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
        /** The client's DATA read before the instance's side opened, sent on once it has. */
        private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);

        private volatile long lastActivity = System.nanoTime();
        private volatile Lease lease;
        private InstanceStream instance;
        /** The client's bytes written to the instance's side and not yet out. */
        private int waitingForInstance;
        /** The instance's bytes written to the client and not yet out. */
        private int waitingForClient;

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
            if (instance == null) {
                early.add(copied(data)); // the instance's side may take a cold start to open
            } else {
                toInstance(passedOn(data, waitingForInstance), end);
            }
            return 0;
        }

        /** The client ended its side with trailers, or with an empty DATA frame. */
        public void clientEnded() {
            if (ended || clientEnded) {
                return;
            }
            clientEnded = true;
            if (instance != null) {
                toInstance(Unpooled.EMPTY_BUFFER, true);
            }
        }

        /** The client's stream closed (reset, or its connection lost) before the relay ended it. */
        public void clientGone() {
            end();
        }

        private void openFailed(Throwable failure) {
            releaseEarly();
            if (!ended) {
                ended = true;
                fail(failure);
            }
        }

        private void opened(Lease held, InstanceStream stream) {
            lease = held;
            instance = stream;
            if (ended) { // the client went away, or was refused, while the instance's side opened
                releaseEarly();
                lease.release();
                instance.reset();
                return;
            }
            instances.open().add(this);
            if (early.isEmpty()) {
                if (clientEnded) {
                    toInstance(Unpooled.EMPTY_BUFFER, true);
                }
                return;
            }
            while (!early.isEmpty()) {
                ByteBuf data = early.poll();
                toInstance(data, clientEnded && early.isEmpty());
            }
        }

        private void releaseEarly() {
            while (!early.isEmpty()) {
                early.poll().release();
            }
        }

        /** The client's bytes go out to the instance, and count as read by the client once they have. */
        private void toInstance(ByteBuf data, boolean end) {
            int bytes = data.readableBytes();
            waitingForInstance += bytes;
            instance.write(data, end).addListener(written -> {
                waitingForInstance -= bytes;
                if (written.isSuccess() && bytes > 0) {
                    consumedFromClient(bytes);
                }
            });
        }

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
            ByteBuf out = passedOn(data, waitingForClient);
            waitingForClient += bytes;
            http2.encoder()
                    .writeData(ctx, streamId, out, 0, end, ctx.newPromise())
                    .addListener(written -> {
                        waitingForClient -= bytes;
                        if (written.isSuccess() && bytes > 0) {
                            instance.consumed(bytes);
                        }
                    });
            http2.flush(ctx); // through the handler: it writes what its flow control holds
            return 0;
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
            releaseEarly();
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

        /**
         * {@code data}, a DATA frame only valid during the call, for the other connection to write as
         * it is: while fewer than {@link #UNCOPIED_WHILE_WAITING_BELOW} bytes wait to go out there, a
         * retained slice of the buffers Netty read it into (a byte stream costs about a sixth less
         * CPU); beyond, a copy. A slice keeps the buffers it was read into (up to a read's worth, 64 KiB, or
         * two) until it is out, so a side that stops reading would otherwise hold several times its
         * window; this way it holds at most a window of copies and the few slices before it
         * (docs/data-plane.md, "The ports' calls below Vert.x's streams").
         */
        private static ByteBuf passedOn(ByteBuf data, int waiting) {
            return waiting < UNCOPIED_WHILE_WAITING_BELOW ? data.retainedSlice() : copied(data);
        }

        /**
         * {@code data}'s bytes in a pooled direct buffer of their own (Netty's pool, whose per-thread cache
         * serves the loop's frames).
         */
        private static ByteBuf copied(ByteBuf data) {
            int bytes = data.readableBytes();
            return PooledByteBufAllocator.DEFAULT.directBuffer(bytes).writeBytes(data, data.readerIndex(), bytes);
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
