package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.call.GrpcMessageBody;
import io.leveros.dataplane.connections.FlushBatching;
import io.leveros.dataplane.identity.ForwardingKey;
import io.leveros.dataplane.placement.ResourceEpoch;
import io.leveros.dataplane.tracing.TraceContext;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.impl.GrpcClientImpl;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls {@code core.LeverRPC/HandleRPC} on an instance with the request's bytes as they came, and
 * hands back the reply's bytes as they come: the data plane does not decode what it only relays, and
 * sends calls as plain HTTP/2 requests that carry one gRPC message. Opens {@code HandleStreamingRPC}
 * as a plain HTTP/2 request for streams relayed frame by frame, and through Vert.x's gRPC client for
 * streams bridged from HTTP and WebSocket. Per event loop, one HTTP client for calls and bridged
 * streams and one for relayed streams, over h2c (prior knowledge); their pools keep connections per
 * instance address.
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

    private static final String CALL_PATH = "/core.LeverRPC/HandleRPC";
    private static final String RELAYED_STREAM_PATH = "/core.LeverRPC/HandleStreamingRPC";
    /** HTTP/2's CANCEL error code, for a call given up on. */
    private static final long CANCEL = 8;

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
    /** Off an event loop (warm-up, tests). */
    private final LoopClients sharedClients;
    /**
     * One set of clients per event loop: a connection belongs to the loop that opened it, and a call
     * from another loop would hop threads for every frame (Vert.x 5 offers no loop-aware pool).
     */
    private final Map<EventLoop, LoopClients> clientsByLoop = new ConcurrentHashMap<>();
    /**
     * One plain HTTP/2 client per event loop for relayed gRPC streams ({@link #openRelayedStream}),
     * whose frames pass through undecoded. Its own connections to each instance, so a byte stream's
     * data never queues behind, nor in front of, the calls' connections.
     */
    private final Map<EventLoop, HttpClient> relayClientsByLoop = new ConcurrentHashMap<>();

    private volatile CharSequence gatewayAddress = "";
    private volatile CharSequence forwardingKey = "";

    public InstanceClient(Vertx vertx) {
        this.vertx = vertx;
        this.sharedClients = new LoopClients();
    }

    /**
     * The clients of one event loop: plain HTTP/2 for calls, and Vert.x's gRPC client over the same
     * connections for the streams bridged from HTTP and WebSocket ({@link #openStream}), which decode
     * messages. The gRPC client's builder takes no connection handler, so it is built through its
     * implementation's constructor (the same one the builder calls).
     */
    private final class LoopClients {
        final HttpClient calls = newHttpClient();
        final GrpcClient bridgedStreams = new GrpcClientImpl(
                vertx,
                new GrpcClientOptions().setScheduleDeadlineAutomatically(false).setMaxMessageSize(MAX_MESSAGE_SIZE),
                calls,
                false) {};

        void close() {
            bridgedStreams.close();
            calls.close();
        }
    }

    /** h2c with prior knowledge, the data plane's HTTP/2 windows, and flushes batched ({@link FlushBatching}). */
    private HttpClient newHttpClient() {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setConnectTimeout(2_000)
                .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
        options.getInitialSettings().setInitialWindowSize(HTTP2_STREAM_WINDOW);
        return vertx.httpClientBuilder()
                .with(options)
                .withConnectHandler(FlushBatching::install)
                .build();
    }

    /** The calling event loop's clients: their connections to instances and peers stay on that loop. */
    private LoopClients clients() {
        if (Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()) {
            return clientsByLoop.computeIfAbsent(context.nettyEventLoop(), loop -> new LoopClients());
        }
        return sharedClients;
    }

    private HttpClient relayClient() {
        if (Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()) {
            return relayClientsByLoop.computeIfAbsent(context.nettyEventLoop(), loop -> newHttpClient());
        }
        throw new IllegalStateException("relayed streams are opened on an event loop");
    }

    /** The key other nodes' forwarding ports take (from the routing snapshots), sent to peers only. */
    public void forwardingKey(String key) {
        this.forwardingKey = HttpHeaders.createOptimized(key);
    }

    /** The {@code host:port} of the internal gateway, told to every instance on every call. */
    public void gatewayAddress(String address) {
        this.gatewayAddress = HttpHeaders.createOptimized(address);
    }

    /**
     * Sends one call: {@code core.LeverRPC/HandleRPC} as a plain HTTP/2 request carrying the one gRPC
     * message, whose reply is read back the same way — below Vert.x's gRPC layer, which would frame,
     * deframe and wrap each message again for bytes the data plane only relays.
     *
     * @param rpc the serialized {@code core.RPC}
     * @return the serialized {@code core.RPCReply}; or a {@link CallException}
     */
    public Future<Buffer> call(Lease lease, String leverUrl, TraceContext trace, Buffer rpc, long timeoutMs) {
        Promise<Buffer> reply = Promise.promise();
        RequestOptions options = new RequestOptions()
                .setServer(lease.address())
                .setMethod(HttpMethod.POST)
                .setURI(CALL_PATH);
        clients().calls.request(options).onComplete(requested -> {
            if (requested.failed()) {
                reply.tryFail(notConnected(lease, requested.cause()));
                return;
            }
            send(lease, requested.result(), leverUrl, trace, rpc, timeoutMs, reply);
        });
        return reply.future();
    }

    /**
     * Opens a streaming call ({@code HandleStreamingRPC}) to {@code instance}; messages are relayed
     * as they are, undecoded. Streams have no deadline: one that is exchanging messages is never cut.
     */
    public Future<GrpcClientRequest<Buffer, Buffer>> openStream(Lease lease, String leverUrl, TraceContext trace) {
        return clients()
                .bridgedStreams
                .request(lease.address(), HANDLE_STREAMING_RPC)
                .map(request -> {
                    setHeaders(request.headers(), lease, leverUrl, trace);
                    return request;
                })
                .recover(failure -> Future.failedFuture(notConnected(lease, failure)));
    }

    /**
     * Opens {@code core.LeverRPC/HandleStreamingRPC} on {@code lease}'s instance as a plain HTTP/2
     * request, for a gRPC stream whose frames are relayed as they come: the caller writes the client's
     * DATA frames and reads the instance's. The client's {@code grpc-encoding} and {@code
     * grpc-accept-encoding} go with it, so compressed messages pass through for the instance to
     * decode. Called on an event loop.
     */
    public Future<HttpClientRequest> openRelayedStream(
            Lease lease, String leverUrl, TraceContext trace, MultiMap clientHeaders) {
        RequestOptions options = new RequestOptions()
                .setServer(lease.address())
                .setMethod(HttpMethod.POST)
                .setURI(RELAYED_STREAM_PATH);
        return relayClient()
                .request(options)
                .map(request -> {
                    MultiMap headers = request.headers();
                    headers.set(HttpHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE);
                    headers.set(TE, TRAILERS);
                    for (CharSequence name : PASSED_GRPC_HEADERS) {
                        String value = clientHeaders.get(name);
                        if (value != null) {
                            headers.set(name, value);
                        }
                    }
                    setHeaders(headers, lease, leverUrl, trace);
                    return request;
                })
                .recover(failure -> Future.failedFuture(notConnected(lease, failure)));
    }

    private void send(
            Lease lease,
            HttpClientRequest request,
            String leverUrl,
            TraceContext trace,
            Buffer rpc,
            long timeoutMs,
            Promise<Buffer> reply) {
        MultiMap headers = request.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE);
        headers.set(TE, TRAILERS);
        setHeaders(headers, lease, leverUrl, trace);
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (reply.tryFail(new CallException(
                    ErrorCode.INSTANCE_TIMEOUT,
                    lease.destination() + " did not answer " + leverUrl + " within " + timeoutMs
                            + " ms (the request timeout: raise it with lever up --request-timeout, or the data plane's"
                            + " --request-timeout, for longer calls)"))) {
                request.reset(CANCEL);
            }
        });
        request.send(GrpcMessageBody.framed(rpc)).onComplete(sent -> {
            if (sent.failed()) {
                vertx.cancelTimer(timer);
                reply.tryFail(failed(lease, sent.cause()));
                return;
            }
            HttpClientResponse response = sent.result();
            ReplyCollector collector = new ReplyCollector(lease, response, reply, timer);
            response.handler(collector);
            response.exceptionHandler(failure -> {
                vertx.cancelTimer(timer);
                reply.tryFail(failed(lease, failure));
            });
            response.endHandler(collector::end);
        });
    }

    private void setHeaders(MultiMap headers, Lease lease, String leverUrl, TraceContext trace) {
        headers.set(LEVER_URL, leverUrl);
        trace.addTo(headers);
        headers.set(INTERNAL_GATEWAY, gatewayAddress);
        if (lease.onPeer()) {
            headers.set(ForwardingKey.HEADER, forwardingKey);
            if (lease.resourceEpoch() != 0) {
                headers.set(ResourceEpoch.HEADER, Long.toString(lease.resourceEpoch()));
            }
        }
    }

    /**
     * Keeps the reply's bytes (one gRPC message; a larger one than {@link #MAX_MESSAGE_SIZE} resets the
     * call) and completes the call by its {@code grpc-status}: from the trailers, or from the headers of
     * a trailers-only answer.
     */
    private final class ReplyCollector implements Handler<Buffer> {
        private final Lease lease;
        private final HttpClientResponse response;
        private final Promise<Buffer> reply;
        private final long timer;
        private final GrpcMessageBody body = new GrpcMessageBody(MAX_MESSAGE_SIZE);

        ReplyCollector(Lease lease, HttpClientResponse response, Promise<Buffer> reply, long timer) {
            this.lease = lease;
            this.response = response;
            this.reply = reply;
            this.timer = timer;
        }

        @Override
        public void handle(Buffer data) {
            if (reply.future().isComplete()) {
                return;
            }
            body.append(data);
            if (body.tooLarge()) {
                vertx.cancelTimer(timer);
                body.discard();
                reply.tryFail(new CallException(
                        ErrorCode.INSTANCE_FAILED,
                        lease.destination() + " answered a reply of more than " + MAX_MESSAGE_SIZE + " bytes"));
                response.request().reset(CANCEL);
            }
        }

        void end(Void ignored) {
            vertx.cancelTimer(timer);
            if (reply.future().isComplete()) {
                return;
            }
            String code = response.trailers().get(GrpcHeaders.GRPC_STATUS);
            String message = response.trailers().get(GrpcHeaders.GRPC_MESSAGE);
            if (code == null) { // trailers-only
                code = response.getHeader(GrpcHeaders.GRPC_STATUS);
                message = response.getHeader(GrpcHeaders.GRPC_MESSAGE);
            }
            GrpcStatus status = code == null ? null : GrpcStatus.valueOf(parseStatus(code));
            message = message == null ? null : GrpcHeaders.percentDecoded(message);
            if (status == GrpcStatus.OK) {
                String instead = body.whatCameInstead();
                if (instead == null) {
                    reply.tryComplete(body.message());
                } else {
                    reply.tryFail(new CallException(
                            ErrorCode.INSTANCE_FAILED,
                            lease.destination() + " answered " + instead
                                    + " (expected: exactly one uncompressed gRPC message)"));
                }
            } else if (status == null) {
                reply.tryFail(new CallException(
                        ErrorCode.INSTANCE_FAILED,
                        lease.destination() + " answered HTTP " + response.statusCode() + " without a grpc-status"));
            } else if (status == GrpcStatus.ABORTED && lease.resourceEpoch() != 0) {
                reply.tryFail(ResourceEpoch.moved(message));
            } else {
                reply.tryFail(InstanceStatuses.toCallException(status, message));
            }
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

    /** No connection to the destination: the call was not delivered. */
    private static CallException notConnected(Lease lease, Throwable cause) {
        if (!lease.onPeer() || cause instanceof CallException) {
            return failed(lease, cause);
        }
        return new CallException(
                ErrorCode.NODE_UNREACHABLE,
                lease.destination() + " could not be reached (" + reason(cause) + "); the call was not delivered");
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
        return new CallException(
                ErrorCode.INSTANCE_FAILED,
                lease.destination() + " failed during the call (" + reason(cause)
                        + "); retry: a new instance is started if needed");
    }

    @Override
    public void close() {
        sharedClients.close();
        clientsByLoop.values().forEach(LoopClients::close);
        relayClientsByLoop.values().forEach(HttpClient::close);
    }
}
