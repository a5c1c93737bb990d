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

    /**
     * How many of the client's bytes a stream keeps until its instance answers, so that a stream the
     * instance refuses unprocessed (it is shutting down) can be opened on another with what the client
     * sent: a stream that sent more first fails instead.
     */
    static final int KEPT_UNTIL_ANSWERED = 64 * 1024;

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
        private OutgoingData toInstance = new OutgoingData(this::consumedFromClient);
        /** The instance's DATA on its way to the client. */
        private final OutgoingData toClient;

        private volatile long lastActivity = System.nanoTime();
        private volatile Lease lease;
        private InstanceStream instance;
        private Call call;
        private Http2Headers clientHeaders;

        /**
         * A copy of every byte the client sent, until the instance answered (then null), to send again
         * if the instance refuses the stream unprocessed; null too once more than {@link
         * #KEPT_UNTIL_ANSWERED} came.
         */
        private ByteBuf keptUntilAnswered = Unpooled.EMPTY_BUFFER;
        /** How many of the client's bytes were counted as read: its window was given back for them. */
        private long countedAsRead;
        /** How many of the next bytes written to the instance were counted as read already (sent again). */
        private long countedBeforeReopening;

        /** How many times the stream was placed again: its instance, or the one before, refused it. */
        private int detours;

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
            this.call = call;
            this.clientHeaders = headers;
            open(0);
        }

        private void open(int detoursSoFar) {
            instances.openRelayed(call, clientHeaders, this, detoursSoFar).onComplete(opened -> {
                if (opened.failed()) {
                    openFailed(opened.cause());
                } else {
                    detours = opened.result().detours();
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
            keep(data);
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
            stopKeeping();
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

        /** Keeps a copy of the client's {@code data} while the instance has not answered. */
        private void keep(ByteBuf data) {
            if (keptUntilAnswered == null) {
                return;
            }
            int bytes = data.readableBytes();
            if (keptUntilAnswered.readableBytes() + bytes > KEPT_UNTIL_ANSWERED) {
                stopKeeping(); // too much to send again: a refusal fails the stream
            } else if (bytes > 0) {
                if (keptUntilAnswered == Unpooled.EMPTY_BUFFER) {
                    keptUntilAnswered = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, KEPT_UNTIL_ANSWERED);
                }
                keptUntilAnswered.writeBytes(data, data.readerIndex(), bytes);
            }
        }

        /** Nothing is sent again from now on: the copy, and what the stream was opened with, go. */
        private void stopKeeping() {
            if (keptUntilAnswered != null) {
                keptUntilAnswered.release();
                keptUntilAnswered = null;
            }
            call = null; // an open stream holds neither for its whole life
            clientHeaders = null;
        }

        /**
         * The instance refused the stream unprocessed and nothing came back: the stream is opened again
         * (on another instance, or a new one), with everything the client sent, as a refused call is
         * placed again ({@code CallForwarder}). The bytes already counted as read are not counted twice.
         */
        private boolean reopenedAfter(CallException failure) {
            if (keptUntilAnswered == null || !instances.mayOpenAgain(lease, detours, failure)) {
                return false; // answered already, or too much sent to send again, or refused too often
            }
            lease.release();
            instances.open().remove(this);
            instance = null;
            toInstance.close(); // what was on its way to the refused instance is in the copy
            toInstance = new OutgoingData(this::consumedFromClient);
            countedBeforeReopening = countedAsRead;
            if (keptUntilAnswered.isReadable() || clientEnded) {
                toInstance.send(keptUntilAnswered, clientEnded);
            }
            context.dispatch(v -> open(detours + 1)); // in the connection's context, as the first time
            return true;
        }

        /** The client's bytes went out to the instance: they count as read by the client. */
        private void consumedFromClient(int written) {
            long sentAgain = Math.min(written, countedBeforeReopening);
            countedBeforeReopening -= sentAgain;
            int bytes = written - (int) sentAgain;
            if (bytes == 0) {
                return;
            }
            countedAsRead += bytes;
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
            stopKeeping();
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
            if (!ended && !reopenedAfter(failure)) {
                end();
                fail(failure);
            }
        }

        /** The instance ended its side: the stream is over, nothing to cancel. */
        private void completed() {
            ended = true;
            stopKeeping();
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
            stopKeeping();
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
