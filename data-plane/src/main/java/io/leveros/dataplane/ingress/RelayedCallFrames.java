package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.call.GrpcMessageBody;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.stream.StreamRelay;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.headers.Http2HeadersAdaptor;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.grpc.common.GrpcStatus;

/**
 * The calls {@link GrpcIngress} only relays, served from a port's HTTP/2 frames, below Vert.x: {@code
 * HandleRPC} over gRPC with no compression declared, and every gRPC (not gRPC-Web) {@code
 * HandleStreamingRPC}. Their HEADERS, DATA and RST_STREAM never reach Vert.x, which would make a stream
 * object for each (request, response, header maps, message queues: most of a call's allocation,
 * docs/data-plane.md "Calls to instances") and copy every DATA frame. Every other frame passes on to
 * Vert.x. A call is what {@code GrpcIngress} decides: the same target, the same one message ({@link
 * GrpcMessageBody}), the same forward, answer, metrics and span. A stream goes to the {@link
 * StreamRelay} frame by frame; one that declared no compression is refused at its first message
 * flagged compressed ({@link CompressedFlags}), as {@link UndeclaredCompression} does for Vert.x.
 *
 * <p>Called on the connection's event loop; the forward runs in the connection's Vert.x context, as it
 * would from a Vert.x handler.
 */
final class RelayedCallFrames extends Http2FrameListenerDecorator {
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString CALL_PATH = AsciiString.cached("/" + GrpcIngress.HANDLE_RPC);
    private static final AsciiString STREAM_PATH = AsciiString.cached("/" + GrpcIngress.HANDLE_STREAMING_RPC);
    private static final String TOO_LARGE = "the call's message is larger than " + InstanceClient.MAX_MESSAGE_SIZE
            + " bytes; send large data in smaller calls, or as a stream";
    /** The headers and trailers of every call that succeeds; never changed once made. */
    private static final Http2Headers OK_HEADERS =
            new DefaultHttp2Headers().status("200").set(HttpHeaderNames.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE);

    private static final Http2Headers OK_TRAILERS =
            new DefaultHttp2Headers().set(GrpcHeaders.GRPC_STATUS, Integer.toString(GrpcStatus.OK.code));

    private final GrpcIngress ingress;
    private final Http2ConnectionHandler http2;
    /** What a taken stream is: a {@link RelayedCall} or a {@link ClientStream}. */
    private final Http2Connection.PropertyKey takenKey;

    private final ContextInternal context;
    private final Counter requests;

    private RelayedCallFrames(
            Http2FrameListener vertx,
            GrpcIngress ingress,
            Http2ConnectionHandler http2,
            ContextInternal context,
            Counter requests) {
        super(vertx);
        this.ingress = ingress;
        this.http2 = http2;
        this.takenKey = http2.connection().newKey();
        this.context = context;
        this.requests = requests;
    }

    /**
     * Puts itself before Vert.x on {@code connection}'s frames, if it is HTTP/2; call from the server's
     * connection handler, which Vert.x calls once the connection is set up.
     *
     * @param requests the loop's request counter, which Vert.x's request handler counts the others in
     */
    static void install(HttpConnection connection, GrpcIngress ingress, Counter requests) {
        if (connection instanceof ConnectionBase base) {
            Http2ConnectionHandler http2 = base.channel().pipeline().get(Http2ConnectionHandler.class);
            if (http2 != null) {
                RelayedCallFrames frames = new RelayedCallFrames(
                        http2.decoder().frameListener(), ingress, http2, base.context(), requests);
                http2.decoder().frameListener(frames);
                http2.connection().addListener(frames.new StreamsGone());
            }
        }
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream)
            throws Http2Exception {
        if (!take(ctx, streamId, headers, endOfStream)) {
            super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream)
            throws Http2Exception {
        if (!take(ctx, streamId, headers, endOfStream)) {
            super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        Object taken = takenOf(streamId);
        if (taken instanceof ClientStream stream) {
            if (stream.flags() != null && stream.flags().compressedMessageIn(data)) {
                stream.relay()
                        .refuse(new CallException(
                                ErrorCode.MALFORMED_REQUEST, GrpcStatus.INTERNAL, UndeclaredCompression.MESSAGE));
            }
            return stream.relay().clientData(data, endOfStream) + padding;
        }
        if (!(taken instanceof RelayedCall call)) {
            return super.onDataRead(ctx, streamId, data, padding, endOfStream);
        }
        call.data(data);
        if (endOfStream) {
            call.end();
        }
        return data.readableBytes() + padding; // read: its window goes back to the client
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        Object taken = takenOf(streamId);
        if (taken instanceof RelayedCall call) {
            call.cancel();
        } else if (taken == null) {
            super.onRstStreamRead(ctx, streamId, errorCode);
        } // a stream's relay hears of it as the stream closes (StreamsGone)
    }

    /** Whether the HEADERS are a taken stream's: its first (taken here) or its trailers. */
    private boolean take(ChannelHandlerContext ctx, int streamId, Http2Headers headers, boolean endOfStream) {
        Object taken = takenOf(streamId);
        if (taken == null) {
            taken = begin(ctx, streamId, headers);
            if (taken == null) {
                return false;
            }
        }
        if (endOfStream) {
            if (taken instanceof RelayedCall call) {
                call.end();
            } else {
                ((ClientStream) taken).relay().clientEnded();
            }
        }
        return true;
    }

    /** Takes the stream whose first HEADERS these are when it is a relayed call's or stream's; else null. */
    private Object begin(ChannelHandlerContext ctx, int streamId, Http2Headers headers) {
        if (isRelayedCall(headers)) {
            RelayedCall call = new RelayedCall(ctx, streamId);
            taken(streamId, call);
            context.dispatch(headers, call::begin);
            return call;
        }
        if (isRelayedStream(headers)) {
            StreamRelay.RelayedStream relay = ingress.streams().accept(http2, ctx, streamId, context);
            ClientStream stream =
                    new ClientStream(relay, headers.contains(GrpcHeaders.GRPC_ENCODING) ? null : new CompressedFlags());
            taken(streamId, stream);
            context.dispatch(headers, h -> {
                try {
                    relay.open(ingress.target(new Http2HeadersAdaptor(h)), h);
                } catch (CallException e) {
                    relay.refuse(e);
                }
            });
            return stream;
        }
        return null;
    }

    private void taken(int streamId, Object taken) {
        requests.increment();
        http2.connection().stream(streamId).setProperty(takenKey, taken);
    }

    private Object takenOf(int streamId) {
        Http2Stream stream = http2.connection().stream(streamId);
        return stream == null ? null : stream.getProperty(takenKey);
    }

    /** A gRPC (not gRPC-Web) stream: its frames pass through, compressed or not. */
    private static boolean isRelayedStream(Http2Headers headers) {
        return isGrpcPost(headers, STREAM_PATH);
    }

    /** A call over gRPC (not gRPC-Web) that declared no compression: its bytes only pass through. */
    private static boolean isRelayedCall(Http2Headers headers) {
        return isGrpcPost(headers, CALL_PATH) && !headers.contains(GrpcHeaders.GRPC_ENCODING);
    }

    /** A POST to {@code path} over gRPC, not gRPC-Web. */
    private static boolean isGrpcPost(Http2Headers headers, AsciiString path) {
        CharSequence type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return POST.contentEquals(headers.method())
                && path.contentEquals(headers.path())
                && type != null
                && startsWith(type, GrpcHeaders.CONTENT_TYPE)
                && !startsWith(type, GrpcHeaders.WEB_CONTENT_TYPE);
    }

    private static boolean startsWith(CharSequence text, String prefix) {
        return AsciiString.regionMatches(text, false, 0, prefix, 0, prefix.length());
    }

    /**
     * A relayed stream, as its frames reach it: the relay, and the message prefixes followed when the
     * client declared no compression (else null).
     */
    private record ClientStream(StreamRelay.RelayedStream relay, CompressedFlags flags) {}

    /** Tells a stream's relay when its client's stream closed before the relay ended it (reset, connection lost). */
    private final class StreamsGone extends Http2ConnectionAdapter {
        @Override
        public void onStreamClosed(Http2Stream stream) {
            if (stream.getProperty(takenKey) instanceof ClientStream client) {
                client.relay().clientGone();
            }
        }
    }

    /** One call, from its HEADERS to its answer. */
    private final class RelayedCall {
        private final ChannelHandlerContext ctx;
        private final int streamId;
        private final long startedNanos = System.nanoTime();
        private final GrpcMessageBody body = new GrpcMessageBody(InstanceClient.MAX_MESSAGE_SIZE);
        private Call target;
        /** Answered, refused, or given up by the client: its frames are read and dropped from then on. */
        private boolean answered;
        /** Sent on to its instance: its outcome is recorded when the instance answers. */
        private boolean forwarded;

        RelayedCall(ChannelHandlerContext ctx, int streamId) {
            this.ctx = ctx;
            this.streamId = streamId;
        }

        void begin(Http2Headers headers) {
            try {
                target = ingress.target(new Http2HeadersAdaptor(headers));
            } catch (CallException e) {
                fail(e);
                ingress.recordUnrouted(e, startedNanos);
            }
        }

        void data(ByteBuf data) {
            if (answered) {
                return;
            }
            body.append(BufferInternal.buffer(ByteBufUtil.getBytes(data))); // the frame's buffer is Netty's
            if (body.compressed()) {
                refuse(new CallException(
                        ErrorCode.MALFORMED_REQUEST, GrpcStatus.INTERNAL, UndeclaredCompression.MESSAGE));
            } else if (body.tooLarge()) {
                refuse(new CallException(ErrorCode.PAYLOAD_TOO_LARGE, TOO_LARGE));
            }
        }

        void end() {
            if (answered) {
                return;
            }
            String instead = body.whatCameInstead();
            if (instead != null) {
                refuse(new CallException(
                        ErrorCode.MALFORMED_REQUEST,
                        GrpcStatus.INTERNAL,
                        "the call carries " + instead + " (expected: exactly one uncompressed gRPC message)"));
                return;
            }
            forwarded = true;
            Buffer message = body.message();
            context.dispatch(v -> ingress.forward(target, message).onComplete(this::answer));
        }

        /** The client reset the stream: nothing to answer; a call not yet forwarded counts as cancelled. */
        void cancel() {
            if (!answered && !forwarded) {
                ingress.record(
                        target,
                        Future.failedFuture(new CallException(
                                ErrorCode.MALFORMED_REQUEST,
                                GrpcStatus.CANCELLED,
                                "the call's message could not be read: the client reset the stream")),
                        startedNanos);
            }
            answered = true;
        }

        private void refuse(CallException refusal) {
            body.discard();
            fail(refusal);
            ingress.record(target, Future.failedFuture(refusal), startedNanos);
        }

        private void answer(AsyncResult<Buffer> outcome) {
            if (outcome.succeeded()) {
                if (open()) {
                    answered = true;
                    http2.encoder().writeHeaders(ctx, streamId, OK_HEADERS, 0, false, ctx.newPromise());
                    ByteBuf framed = GrpcMessageBody.framed(outcome.result());
                    http2.encoder().writeData(ctx, streamId, framed, 0, false, ctx.newPromise());
                    http2.encoder().writeHeaders(ctx, streamId, OK_TRAILERS, 0, true, ctx.newPromise());
                    http2.flush(ctx); // through the handler: it writes what its flow control holds
                }
            } else {
                fail(GrpcIngress.asCallException(outcome.cause()));
            }
            ingress.record(target, outcome, startedNanos);
        }

        /** Answers with the failure's status and message alone (a trailers-only answer). */
        private void fail(CallException failure) {
            if (!open()) {
                return;
            }
            answered = true;
            Http2Headers headers = GrpcHeaders.statusHeaders(failure.grpcStatus(), failure.getMessage(), true);
            http2.encoder().writeHeaders(ctx, streamId, headers, 0, true, ctx.newPromise());
            http2.flush(ctx);
        }

        /** Whether the answer may still be written: not yet answered, and the stream still open this way. */
        private boolean open() {
            Http2Stream stream = http2.connection().stream(streamId);
            return !answered && stream != null && stream.state().localSideOpen();
        }
    }
}
