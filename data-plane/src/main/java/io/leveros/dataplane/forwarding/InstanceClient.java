package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.call.GrpcMessageBody;
import io.leveros.dataplane.connections.ConnectionTuning;
import io.leveros.dataplane.identity.ForwardingKey;
import io.leveros.dataplane.peer.UnreachablePeers;
import io.leveros.dataplane.placement.ResourceEpoch;
import io.leveros.dataplane.tracing.TraceContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.grpc.client.impl.GrpcClientRequestImpl;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Calls {@code core.LeverRPC/HandleRPC} on an instance with the request's bytes as they came, and
 * hands back the reply's bytes as they come: the data plane does not decode what it only relays, and
 * sends calls as plain HTTP/2 requests that carry one gRPC message, over its own call connections
 * ({@link CallChannels}, Netty's HTTP/2 codec directly). Opens {@code HandleStreamingRPC} the same way,
 * on connections of its own, for streams relayed frame by frame ({@link InstanceStream}), and through
 * Vert.x's gRPC client for streams bridged from HTTP and WebSocket. Per event loop: the call
 * connections, the stream connections and one Vert.x HTTP client for bridged streams, all h2c (prior
 * knowledge), each keeping its connections per instance address.
 */
public final class InstanceClient implements AutoCloseable {
    public static final CharSequence LEVER_URL = HttpHeaders.createOptimized("lever-url");
    public static final CharSequence INTERNAL_GATEWAY = HttpHeaders.createOptimized("x-lever-internal-rpc-gateway");

    /** The largest message relayed either way (gRPC's usual default). */
    public static final int MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

    /**
     * HTTP/2 flow-control windows, on both sides of the data plane. A stream may have 1 MiB in
     * flight unacknowledged (HTTP/2's 64 KiB default holds a big stream to one window per round
     * trip); that bounds what the data plane holds per stream. The connection's window does not
     * limit further: were it smaller than the sum of its streams' windows, streams paused by a slow
     * reader would use it up and stall every other stream on the connection.
     */
    public static final int HTTP2_STREAM_WINDOW = 1024 * 1024;

    public static final int HTTP2_CONNECTION_WINDOW = Integer.MAX_VALUE;

    private static final AsciiString CALL_PATH = AsciiString.cached("/core.LeverRPC/HandleRPC");
    private static final AsciiString RELAYED_STREAM_PATH = AsciiString.cached("/core.LeverRPC/HandleStreamingRPC");

    private static final CharSequence TE = HttpHeaders.createOptimized("te");
    private static final CharSequence TRAILERS = HttpHeaders.createOptimized("trailers");
    private static final List<CharSequence> PASSED_GRPC_HEADERS =
            List.of(GrpcHeaders.GRPC_ENCODING, GrpcHeaders.GRPC_ACCEPT_ENCODING);

    static final ServiceMethod<Buffer, Buffer> HANDLE_STREAMING_RPC = ServiceMethod.client(
            ServiceName.create("core", "LeverRPC"),
            "HandleStreamingRPC",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.IDENTITY);

    private final Vertx vertx;
    /**
     * Each event loop's call connections: a connection belongs to the loop that opened it, and a call
     * from another loop would hop threads for every frame.
     */
    private final Map<EventLoop, CallChannels> callChannelsByLoop = new ConcurrentHashMap<>();
    /** For bridged streams opened off an event loop (tests). */
    private final LoopClients sharedClients;
    /** Each event loop's clients for bridged streams (Vert.x 5 offers no loop-aware pool). */
    private final Map<EventLoop, LoopClients> clientsByLoop = new ConcurrentHashMap<>();
    /** Each event loop's connections for relayed gRPC streams ({@link #openRelayedStream}). */
    private final Map<EventLoop, CallChannels> streamChannels = new ConcurrentHashMap<>();

    private volatile CharSequence gatewayAddress = "";
    private final Function<String, Http2Headers> plainCallHeaders = this::plainCallHeaders;
    private volatile CharSequence forwardingKey = "";

    public InstanceClient(Vertx vertx) {
        this.vertx = vertx;
        this.sharedClients = new LoopClients();
    }

    /**
     * The HTTP/2 client of one event loop for the streams bridged from HTTP and WebSocket ({@link
     * #openStream}), under Vert.x's gRPC requests, which decode messages.
     */
    private final class LoopClients {
        final HttpClient http = newHttpClient();

        void close() {
            http.close();
        }
    }

    /**
     * h2c with prior knowledge, the data plane's HTTP/2 windows, flushes batched and frames read
     * across socket reads ({@link ConnectionTuning}).
     */
    private HttpClient newHttpClient() {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setConnectTimeout(2_000)
                .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
        options.getInitialSettings().setInitialWindowSize(HTTP2_STREAM_WINDOW);
        return vertx.httpClientBuilder()
                .with(options)
                .withConnectHandler(ConnectionTuning::install)
                .build();
    }

    /** The calling event loop's clients: their connections to instances and peers stay on that loop. */
    private LoopClients clients() {
        ContextInternal context = eventLoopContext();
        return context == null
                ? sharedClients
                : clientsByLoop.computeIfAbsent(context.nettyEventLoop(), loop -> new LoopClients());
    }

    /** The caller's context when it runs on an event loop, else null. */
    private static ContextInternal eventLoopContext() {
        return Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()
                ? context
                : null;
    }

    /** The key other nodes' forwarding ports take (from the routing snapshots), sent to peers only. */
    public void forwardingKey(String key) {
        this.forwardingKey = HttpHeaders.createOptimized(key);
    }

    /**
     * The {@code host:port} of the internal gateway, told to every instance on every call; set once,
     * before the first call (the headers of plain calls are kept with it).
     */
    public void gatewayAddress(String address) {
        this.gatewayAddress = HttpHeaders.createOptimized(address);
    }

    /**
     * Sends one call: {@code core.LeverRPC/HandleRPC} as an HTTP/2 request carrying the one gRPC message,
     * whose reply is read back the same way, on the calling event loop's {@link CallChannels} (Netty's
     * HTTP/2 codec directly: Vert.x's client, and its gRPC layer, would wrap, copy and queue every frame of
     * bytes the data plane only relays). Off an event loop, the call goes on one.
     *
     * @param rpc the serialized {@code core.RPC}
     * @return the serialized {@code core.RPCReply}; or a {@link CallException}
     */
    public Future<Buffer> call(Lease lease, String leverUrl, TraceContext trace, Buffer rpc, long timeoutMs) {
        ContextInternal current = eventLoopContext();
        ContextInternal context = current != null ? current : ((VertxInternal) vertx).createEventLoopContext();
        ReplyReader reader = new ReplyReader(lease, leverUrl, context, timeoutMs);
        if (context.inThread()) {
            send(lease, leverUrl, trace, rpc, reader);
        } else {
            context.runOnContext(v -> send(lease, leverUrl, trace, rpc, reader));
        }
        return reader.reply.future();
    }

    private void send(Lease lease, String leverUrl, TraceContext trace, Buffer rpc, ReplyReader reader) {
        EventLoop loop = reader.context.nettyEventLoop();
        CallChannels channels = callChannelsByLoop.get(loop); // no capturing lambda per call once made
        if (channels == null) {
            channels = callChannelsByLoop.computeIfAbsent(loop, l -> new CallChannels((VertxInternal) vertx, l));
        }
        Http2Headers headers;
        if (lease.onPeer() || trace.isPresent()) {
            headers = callHeaders();
            setHeaders(headers::set, lease, leverUrl, trace);
        } else {
            headers = channels.plainCallHeaders(lease.address(), CALL_PATH, leverUrl, plainCallHeaders);
        }
        channels.send(lease.address(), CALL_PATH, headers, GrpcMessageBody.framed(rpc), reader);
    }

    /** A call's headers before its own: names and values of our own making. */
    private static Http2Headers callHeaders() {
        Http2Headers headers = new DefaultHttp2Headers(false);
        headers.set(HttpHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE);
        headers.set(TE, TRAILERS);
        return headers;
    }

    /** The headers of a call with no trace, to a local instance: {@link #setPlainHeaders} alone. */
    private Http2Headers plainCallHeaders(String leverUrl) {
        Http2Headers headers = callHeaders();
        setPlainHeaders(headers::set, leverUrl);
        return headers;
    }

    /**
     * Opens a streaming call ({@code HandleStreamingRPC}) to {@code instance}; messages are relayed
     * as they are, undecoded. Streams have no deadline: one that is exchanging messages is never cut.
     * The gRPC request is made over an HTTP/2 request of the data plane's own, as Vert.x's gRPC client
     * makes it, so that the stream's id is known ({@link BridgedStream#notAnswered}). Called on an event
     * loop.
     */
    public Future<BridgedStream> openStream(Lease lease, String leverUrl, TraceContext trace) {
        return clients()
                .http
                .request(new RequestOptions().setMethod(HttpMethod.POST).setServer(lease.address()))
                .map(http2Stream -> {
                    GrpcClientRequestImpl<Buffer, Buffer> request = new GrpcClientRequestImpl<>(
                            http2Stream,
                            MAX_MESSAGE_SIZE,
                            false,
                            HANDLE_STREAMING_RPC.encoder(),
                            HANDLE_STREAMING_RPC.decoder());
                    request.init();
                    request.serviceName(HANDLE_STREAMING_RPC.serviceName())
                            .methodName(HANDLE_STREAMING_RPC.methodName());
                    setHeaders(request.headers()::set, lease, leverUrl, trace);
                    return new BridgedStream(request, http2Stream);
                })
                .recover(failure -> Future.failedFuture(notConnected(lease, failure)));
    }

    /**
     * Opens {@code core.LeverRPC/HandleStreamingRPC} on {@code lease}'s instance for a gRPC stream whose
     * frames are relayed as they come: the caller writes the client's DATA frames, the instance's come
     * to {@code frames}. The client's {@code grpc-encoding} and {@code grpc-accept-encoding} go with it,
     * so compressed messages pass through for the instance to decode. Streams go on connections of their
     * own ({@link #streamChannels}), so a byte stream's data never queues behind, nor in front of, the
     * calls. Called on an event loop.
     */
    public Future<InstanceStream> openRelayedStream(
            Lease lease,
            String leverUrl,
            TraceContext trace,
            Http2Headers clientHeaders,
            InstanceStream.Frames frames) {
        ContextInternal context = eventLoopContext();
        if (context == null) {
            throw new IllegalStateException("relayed streams are opened on an event loop");
        }
        Http2Headers headers = callHeaders(); // and the client's values, as HPACK read them
        for (CharSequence name : PASSED_GRPC_HEADERS) {
            CharSequence value = clientHeaders.get(name);
            if (value != null) {
                headers.set(name, value);
            }
        }
        setHeaders(headers::set, lease, leverUrl, trace);
        InstanceStream stream = new InstanceStream(lease, frames, context);
        streamChannels
                .computeIfAbsent(context.nettyEventLoop(), loop -> new CallChannels((VertxInternal) vertx, loop))
                .send(lease.address(), RELAYED_STREAM_PATH, headers, null, stream.exchange());
        return stream.opened();
    }

    private void setHeaders(
            BiConsumer<CharSequence, CharSequence> header, Lease lease, String leverUrl, TraceContext trace) {
        setPlainHeaders(header, leverUrl);
        trace.addTo(header);
        if (lease.onPeer()) {
            header.accept(ForwardingKey.HEADER, forwardingKey);
            if (lease.resourceEpoch() != 0) {
                header.accept(ResourceEpoch.HEADER, Long.toString(lease.resourceEpoch()));
            }
        }
    }

    /** What every call carries: its Lever URL and the gateway's address. */
    private void setPlainHeaders(BiConsumer<CharSequence, CharSequence> header, String leverUrl) {
        header.accept(LEVER_URL, leverUrl);
        header.accept(INTERNAL_GATEWAY, gatewayAddress);
    }

    /**
     * Reads one call's answer: keeps the reply's bytes (one gRPC message; a larger one than {@link
     * #MAX_MESSAGE_SIZE} resets the call) and completes the call by its {@code grpc-status}, from the
     * trailers, or from the headers of a trailers-only answer; or fails it when the instance does not
     * answer within the request timeout. Runs on its context's event loop, and completes the call there.
     */
    private final class ReplyReader implements CallChannels.Call {
        final Promise<Buffer> reply;
        final ContextInternal context;
        private final Lease lease;
        private final String leverUrl;
        private final long timeoutMs;
        private final ScheduledFuture<?> timer;
        private final GrpcMessageBody body = new GrpcMessageBody(MAX_MESSAGE_SIZE);
        private Http2Headers headers;
        private Http2Headers trailers;
        private CallChannel channel;
        private int stream;

        ReplyReader(Lease lease, String leverUrl, ContextInternal context, long timeoutMs) {
            this.lease = lease;
            this.leverUrl = leverUrl;
            this.context = context;
            this.timeoutMs = timeoutMs;
            this.reply = context.promise();
            this.timer = context.nettyEventLoop().schedule(this::timedOut, timeoutMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onSent(CallChannel channel, int stream) {
            this.channel = channel;
            this.stream = stream;
            if (reply.future().isComplete()) { // timed out while its connection opened
                channel.cancel(stream);
            }
        }

        @Override
        public void onNotConnected(Throwable cause) {
            fail(notConnected(lease, cause));
        }

        @Override
        public void onFailure(Throwable cause) {
            fail(failed(lease, cause));
        }

        @Override
        public void onHeaders(Http2Headers frame, boolean end) {
            if (headers == null) {
                headers = frame;
            } else {
                trailers = frame;
            }
            if (end) {
                end();
            }
        }

        @Override
        public int onData(ByteBuf data, boolean end) {
            if (reply.future().isComplete()) {
                return data.readableBytes();
            }
            body.append(Buffer.buffer(ByteBufUtil.getBytes(data)));
            if (body.tooLarge()) {
                body.discard();
                channel.cancel(stream);
                fail(new CallException(
                        ErrorCode.INSTANCE_FAILED,
                        lease.destination() + " answered a reply of more than " + MAX_MESSAGE_SIZE + " bytes"));
            } else if (end) {
                end();
            }
            return data.readableBytes();
        }

        private void timedOut() {
            if (reply.future().isComplete()) {
                return;
            }
            fail(new CallException(
                    ErrorCode.INSTANCE_TIMEOUT,
                    lease.destination() + " did not answer " + leverUrl + " within " + timeoutMs
                            + " ms (the request timeout: raise it with lever up --request-timeout, or the data plane's"
                            + " --request-timeout, for longer calls)"));
            if (channel != null) {
                channel.cancel(stream);
            }
        }

        private void end() {
            if (reply.future().isComplete()) {
                return;
            }
            if (headers == null) { // the answer ended without its headers
                fail(new CallException(
                        ErrorCode.INSTANCE_FAILED, lease.destination() + " answered data without HTTP/2 headers"));
                return;
            }
            CharSequence code = trailers == null ? null : trailers.get(GrpcHeaders.GRPC_STATUS);
            CharSequence message = trailers == null ? null : trailers.get(GrpcHeaders.GRPC_MESSAGE);
            if (code == null) { // trailers-only
                code = headers.get(GrpcHeaders.GRPC_STATUS);
                message = headers.get(GrpcHeaders.GRPC_MESSAGE);
            }
            GrpcStatus status = code == null ? null : GrpcStatus.valueOf(parseStatus(code.toString()));
            String decoded = message == null ? null : GrpcHeaders.percentDecoded(message.toString());
            if (status == GrpcStatus.OK) {
                String instead = body.whatCameInstead();
                if (instead == null) {
                    complete(body.message());
                } else {
                    fail(new CallException(
                            ErrorCode.INSTANCE_FAILED,
                            lease.destination() + " answered " + instead
                                    + " (expected: exactly one uncompressed gRPC message)"));
                }
            } else if (status == null) {
                fail(new CallException(
                        ErrorCode.INSTANCE_FAILED,
                        lease.destination() + " answered HTTP " + headers.status() + " without a grpc-status"));
            } else if (status == GrpcStatus.ABORTED && lease.resourceEpoch() != 0) {
                fail(ResourceEpoch.moved(decoded));
            } else {
                fail(InstanceStatuses.toCallException(status, decoded));
            }
        }

        /** Completes the call in its context, whose listeners run at once on this loop. */
        private void complete(Buffer message) {
            timer.cancel(false);
            context.emit(message, reply::tryComplete);
        }

        private void fail(Throwable failure) {
            timer.cancel(false);
            context.emit(failure, reply::tryFail);
        }
    }

    /** A {@code grpc-status} as its code; an unknown or malformed one as UNKNOWN (2), as gRPC reads it. */
    private static int parseStatus(String code) {
        try {
            int value = Integer.parseInt(code.trim());
            return value >= 0 && value <= 16 ? value : GrpcStatus.UNKNOWN.code;
        } catch (NumberFormatException e) {
            return GrpcStatus.UNKNOWN.code;
        }
    }

    /**
     * Whether a call failed because the other node could not be reached (it died, or lost its link,
     * and the snapshots do not say so yet): it never left this node, so it may be placed again
     * without that node. Not for a resource's owner: only the control plane moves a binding.
     */
    public static boolean notDelivered(Lease lease, Throwable failure) {
        return failure instanceof CallException e
                && e.code() == ErrorCode.NODE_UNREACHABLE
                && lease.resourceEpoch() == 0;
    }

    /**
     * Whether a call failed before anything of it was processed, so that it may be placed again: a peer
     * node could not be reached ({@link #notDelivered}), or an instance on this node took no connection
     * or refused the call's stream (it was stopped from outside the platform or crashed, and its exit is
     * not known yet). What refused the call is left out first: the peer for a while ({@code
     * unreachable}), the instance for good ({@link Lease#refusedCalls}).
     */
    public static boolean leftOutIfNotDelivered(Lease lease, Throwable failure, UnreachablePeers unreachable) {
        if (notDelivered(lease, failure)) {
            unreachable.markUnreachable(lease.node());
            return true;
        }
        if (lease.instance() != null
                && failure instanceof CallException e
                && e.code() == ErrorCode.INSTANCE_UNREACHABLE) {
            lease.refusedCalls();
            return true;
        }
        return false;
    }

    /** No connection to the destination: the call was not delivered. */
    static CallException notConnected(Lease lease, Throwable cause) {
        if (cause instanceof CallException callException) {
            return callException;
        }
        return notDelivered(
                lease,
                lease.onPeer()
                        ? "could not be reached (" + reason(cause) + ")"
                        : "took no connection (" + reason(cause) + "): stopped from outside the platform, or crashed");
    }

    /**
     * The destination refused the call's stream unprocessed: an instance, or a peer's data plane, that
     * is shutting down. Nothing was delivered, as when it takes no connection.
     */
    private static CallException refused(Lease lease, CallChannel.CallLost cause) {
        return notDelivered(lease, "refused the call unprocessed (" + cause.getMessage() + "): it is shutting down");
    }

    /**
     * A call that {@code lease}'s destination did not get ({@code why}), as the error that places it
     * again: {@code NODE_UNREACHABLE} from a peer, {@code INSTANCE_UNREACHABLE} from an instance here.
     */
    static CallException notDelivered(Lease lease, String why) {
        String message = lease.destination() + " " + why + "; the call was not delivered";
        return lease.onPeer()
                ? new CallException(ErrorCode.NODE_UNREACHABLE, message)
                : new CallException(ErrorCode.INSTANCE_UNREACHABLE, message + ": retry");
    }

    private static String reason(Throwable cause) {
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }

    public static CallException failed(Lease lease, Throwable cause) {
        if (cause instanceof CallException callException) {
            return callException;
        }
        if (cause instanceof CallChannel.CallLost lost && lost.refused()) {
            return refused(lease, lost);
        }
        return new CallException(
                ErrorCode.INSTANCE_FAILED,
                lease.destination() + " failed during the call (" + reason(cause)
                        + "); retry: a new instance is started if needed");
    }

    @Override
    public void close() {
        callChannelsByLoop.forEach((loop, channels) -> loop.execute(channels::close));
        sharedClients.close();
        clientsByLoop.values().forEach(LoopClients::close);
        streamChannels.forEach((loop, channels) -> loop.execute(channels::close));
    }
}
