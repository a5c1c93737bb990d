package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.connections.ConnectionTuning;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * One HTTP/2 connection (h2c, prior knowledge) to an instance or a peer node, carrying calls or relayed
 * streams, on Netty's HTTP/2 codec directly: a call is a stream whose HEADERS and one DATA frame go out
 * as they are built, a relayed stream one whose DATA goes out as the client sends it ({@link
 * InstanceStream}); the answer frames reach the stream's {@link Exchange} as they come, without Vert.x's
 * per-stream queues, header maps and buffer copies in between (docs/data-plane.md "Calls to
 * instances"). Lives on one event loop; every method is called there.
 */
final class CallChannel extends Http2ConnectionHandler {
    /** What becomes of one call's stream. */
    interface Exchange {
        /** The answer's headers, then its trailers; {@code end} when the stream ends with them. */
        void onHeaders(Http2Headers headers, boolean end);

        /**
         * A DATA frame of the answer, only valid during the call: answers how many of its bytes were
         * read now; the others are told read later ({@link #consumed}), which holds the instance to
         * what the data plane has passed on.
         */
        int onData(ByteBuf data, boolean end);

        /** The stream ended without its answer: reset, refused by a GOAWAY, or its connection lost. */
        void onFailure(Throwable cause);
    }

    private final IntObjectMap<Exchange> exchanges = new IntObjectHashMap<>();
    /**
     * Succeeds once the other side's HTTP/2 settings came: calls may be sent from then on. A call sent
     * earlier could not be told from one the other side took: it may process a request before its
     * settings went out, and then close the connection (a crash).
     */
    private final Promise<Void> ready;

    private ChannelHandlerContext context;

    private CallChannel(DefaultHttp2ConnectionDecoder decoder, DefaultHttp2ConnectionEncoder encoder, EventLoop loop) {
        super(
                decoder,
                encoder,
                new Http2Settings()
                        .initialWindowSize(InstanceClient.HTTP2_STREAM_WINDOW)
                        .pushEnabled(false));
        this.ready = loop.newPromise();
    }

    static CallChannel create(EventLoop loop) {
        Http2Connection connection = new DefaultHttp2Connection(false);
        // Shares the connection's window evenly among streams, as Vert.x's connections do: Netty's
        // default (weighted fair, for HTTP/2 priorities no call sets) made a priority queue per stream.
        connection
                .remote()
                .flowController(
                        new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
        DefaultHttp2ConnectionEncoder encoder =
                new DefaultHttp2ConnectionEncoder(connection, new DefaultHttp2FrameWriter());
        DefaultHttp2ConnectionDecoder decoder = new DefaultHttp2ConnectionDecoder(
                connection, encoder, new DefaultHttp2FrameReader(DecodedHeaders.decoder()));
        CallChannel channel = new CallChannel(decoder, encoder, loop);
        ConnectionTuning.readFramesAcrossReads(channel);
        decoder.frameListener(channel.new Frames());
        connection.addListener(channel.new StreamEnds());
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.context = ctx;
        super.handlerAdded(ctx);
    }

    /**
     * The preface goes out when the connection is up (a connect's own future completes before that),
     * with the data plane's connection window: no limit beyond the streams' own (see InstanceClient).
     * A server sends its settings as soon as it takes the connection, so calls wait a round trip.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        Http2Stream connectionStream = connection().connectionStream();
        int grow = InstanceClient.HTTP2_CONNECTION_WINDOW
                - connection().local().flowController().initialWindowSize(connectionStream);
        connection().local().flowController().incrementWindowSize(connectionStream, grow);
    }

    /** Succeeds once calls may be sent; fails if the connection closes first. */
    Future<Void> ready() {
        return ready;
    }

    /**
     * Whether a call may be sent now: the connection is open, was not told GOAWAY, and is below the
     * other side's stream limit with stream ids left.
     */
    boolean takesStreams() {
        Http2Connection.Endpoint<?> local = connection().local();
        return ready.isSuccess()
                && context.channel().isActive()
                && !connection().goAwayReceived()
                && local.canOpenStream()
                && local.lastStreamCreated() < Integer.MAX_VALUE;
    }

    /**
     * Sends a call, when {@link #takesStreams()}: its headers, then its whole body, which ends the
     * stream.
     *
     * @return the call's stream, for {@link #cancel}
     */
    int send(Http2Headers headers, ByteBuf body, Exchange exchange) {
        int stream = open(headers, exchange);
        write(stream, body, true);
        return stream;
    }

    /**
     * Opens a stream, when {@link #takesStreams()}: its headers go out, its DATA follows with {@link
     * #write}.
     *
     * @return the stream, for {@link #write}, {@link #consumed} and {@link #cancel}
     */
    int open(Http2Headers headers, Exchange exchange) {
        int stream = connection().local().incrementAndGetNextStreamId();
        exchanges.put(stream, exchange);
        encoder().writeHeaders(context, stream, headers, 0, false, context.newPromise());
        return stream;
    }

    /**
     * Writes a DATA frame of {@code stream} (released once written), within the instance's flow-control
     * window: the future completes once it went out. A failed write fails the stream's exchange.
     */
    Future<Void> write(int stream, ByteBuf data, boolean end) {
        Future<Void> written = encoder().writeData(context, stream, data, 0, end, context.newPromise());
        written.addListener(done -> {
            if (!done.isSuccess()) {
                fail(stream, done.cause());
            }
        });
        context.channel().flush(); // batched with the loop's other flushes (FlushBatching)
        return written;
    }

    /**
     * The data plane is done with {@code bytes} of {@code stream}'s answer that its exchange did not read
     * at once: they count in the instance's window again.
     */
    void consumed(int stream, int bytes) {
        Http2Stream open = connection().stream(stream);
        if (open == null) { // closed: Netty gave its bytes back to the connection's window
            return;
        }
        try {
            if (connection().local().flowController().consumeBytes(open, bytes)) {
                context.channel().flush(); // a WINDOW_UPDATE was written
            }
        } catch (Http2Exception e) {
            onError(context, false, e);
        }
    }

    /** The connection could not be opened. */
    void notConnected(Throwable cause) {
        ready.tryFailure(cause);
    }

    /** Gives up on a call: its stream is reset (CANCEL) and its exchange hears nothing more. */
    void cancel(int stream) {
        if (exchanges.remove(stream) != null) {
            resetStream(context, stream, Http2Error.CANCEL.code(), context.newPromise());
            context.channel().flush();
        }
    }

    void close() {
        context.channel().close();
    }

    /** A connection left without calls for the idle time is closed; one with calls open is kept. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && exchanges.isEmpty()) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /**
     * Fails the calls still open. Those that waited for the other side's settings were not sent: a
     * runtime shutting down may accept a connection, then close it unread.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ready.tryFailure(new CallLost("the connection closed before its HTTP/2 settings came"));
        CallLost closed = new CallLost("the connection closed");
        failAll(closed); // before the streams close with the connection, to say why
        super.channelInactive(ctx);
    }

    private void failAll(Throwable cause) {
        for (Exchange exchange : exchanges.values()) {
            exchange.onFailure(cause);
        }
        exchanges.clear();
    }

    private void fail(int stream, Throwable cause) {
        Exchange exchange = exchanges.remove(stream);
        if (exchange != null) {
            exchange.onFailure(cause);
        }
    }

    /** The answers' frames, to their exchanges; an exchange is done once its stream ends. */
    private final class Frames extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext ctx, int stream, ByteBuf data, int padding, boolean end) {
            Exchange exchange = end ? exchanges.remove(stream) : exchanges.get(stream);
            int read = exchange == null ? data.readableBytes() : exchange.onData(data, end);
            return read + padding; // consumed: the window opens again
        }

        @Override
        public void onHeadersRead(
                ChannelHandlerContext ctx, int stream, Http2Headers headers, int padding, boolean end) {
            Exchange exchange = end ? exchanges.remove(stream) : exchanges.get(stream);
            if (exchange != null) {
                exchange.onHeaders(headers, end);
            }
        }

        @Override
        public void onHeadersRead(
                ChannelHandlerContext ctx,
                int stream,
                Http2Headers headers,
                int dependency,
                short weight,
                boolean exclusive,
                int padding,
                boolean end) {
            onHeadersRead(ctx, stream, headers, padding, end);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            ready.trySuccess(null); // the first is the other side's preface
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int stream, long errorCode) {
            fail(
                    stream,
                    errorCode == Http2Error.REFUSED_STREAM.code()
                            ? CallLost.refused("the stream was refused (REFUSED_STREAM)")
                            : new CallLost("the stream was reset (HTTP/2 error " + errorCode + ")"));
        }
    }

    /**
     * A stream closed before its answer ended: past the last stream of a GOAWAY received (the other
     * side is shutting down and never processed it), or closed with its connection.
     */
    private final class StreamEnds extends Http2ConnectionAdapter {
        @Override
        public void onStreamClosed(Http2Stream stream) {
            if (exchanges.containsKey(stream.id())) { // else answered: no failure made for every call
                boolean pastGoAway = connection().goAwayReceived()
                        && stream.id() > connection().local().lastStreamKnownByPeer();
                fail(
                        stream.id(),
                        pastGoAway
                                ? CallLost.refused("the stream came after its GOAWAY")
                                : new CallLost("the stream closed unanswered"));
            }
        }
    }

    /** A call's stream ended without its answer; the message says how. */
    static final class CallLost extends Exception {
        private final boolean refused;

        CallLost(String message) {
            this(message, false);
        }

        private CallLost(String message, boolean refused) {
            super(message, null, false, false);
            this.refused = refused;
        }

        /** The other side refused the stream before processing any of it (HTTP/2, section 8.7). */
        static CallLost refused(String message) {
            return new CallLost(message, true);
        }

        /** Whether nothing of the call was processed, so that it may be sent elsewhere. */
        boolean refused() {
            return refused;
        }
    }
}
