package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.connections.FlushBatching;
import io.leveros.dataplane.identity.ForwardingKey;
import io.leveros.dataplane.placement.ResourceEpoch;
import io.leveros.dataplane.tracing.TraceContext;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
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
 * hands back the reply's bytes as they come: the data plane does not decode what it only relays.
 * Opens {@code HandleStreamingRPC} as a plain HTTP/2 request for streams relayed frame by frame.
 * Per event loop, one Vert.x gRPC client for calls and one HTTP client for streams, over h2c (prior
 * knowledge); their pools keep connections per instance address.
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

    private static final String RELAYED_STREAM_PATH = "/core.LeverRPC/HandleStreamingRPC";
    private static final CharSequence GRPC_CONTENT_TYPE = HttpHeaders.createOptimized("application/grpc");
    private static final CharSequence TE = HttpHeaders.createOptimized("te");
    private static final CharSequence TRAILERS = HttpHeaders.createOptimized("trailers");
    private static final List<CharSequence> PASSED_GRPC_HEADERS =
            List.of(HttpHeaders.createOptimized("grpc-encoding"), HttpHeaders.createOptimized("grpc-accept-encoding"));

    static final ServiceMethod<Buffer, Buffer> HANDLE_RPC = ServiceMethod.client(
            ServiceName.create("core", "LeverRPC"),
            "HandleRPC",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.IDENTITY);

    static final ServiceMethod<Buffer, Buffer> HANDLE_STREAMING_RPC = ServiceMethod.client(
            ServiceName.create("core", "LeverRPC"),
            "HandleStreamingRPC",
            GrpcMessageEncoder.IDENTITY,
            GrpcMessageDecoder.IDENTITY);

    private final Vertx vertx;
    /** Off an event loop (warm-up, tests). */
    private final GrpcClient sharedClient;
    /**
     * One client per event loop: a connection belongs to the loop that opened it, and a call from
     * another loop would hop threads for every frame (Vert.x 5 offers no loop-aware pool).
     */
    private final Map<EventLoop, GrpcClient> clientsByLoop = new ConcurrentHashMap<>();
    /**
     * One plain HTTP/2 client per event loop for relayed gRPC streams ({@link #openRelayedStream}),
     * whose frames pass through undecoded. Its own connections to each instance, so a byte stream's
     * data never queues behind, nor in front of, the calls on the gRPC client's connections.
     */
    private final Map<EventLoop, HttpClient> relayClientsByLoop = new ConcurrentHashMap<>();

    private volatile CharSequence gatewayAddress = "";
    private volatile CharSequence forwardingKey = "";

    public InstanceClient(Vertx vertx) {
        this.vertx = vertx;
        this.sharedClient = newClient();
    }

    /**
     * Vert.x's gRPC client over an HTTP client of {@link #newHttpClient()}: the gRPC client's builder
     * takes no connection handler, so it is built through its implementation's constructor (the same
     * one the builder calls).
     */
    private GrpcClient newClient() {
        return new BatchedGrpcClient(
                vertx,
                new GrpcClientOptions().setScheduleDeadlineAutomatically(false).setMaxMessageSize(MAX_MESSAGE_SIZE),
                newHttpClient());
    }

    private static final class BatchedGrpcClient extends GrpcClientImpl {
        BatchedGrpcClient(Vertx vertx, GrpcClientOptions options, HttpClient http) {
            super(vertx, options, http, true); // closes http when closed
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

    /** The calling event loop's client: its connections to instances and peers stay on that loop. */
    private GrpcClient client() {
        if (Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()) {
            return clientsByLoop.computeIfAbsent(context.nettyEventLoop(), loop -> newClient());
        }
        return sharedClient;
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
     * Sends one call.
     *
     * @param rpc the serialized {@code core.RPC}
     * @return the serialized {@code core.RPCReply}; or a {@link CallException}
     */
    public Future<Buffer> call(Lease lease, String leverUrl, TraceContext trace, Buffer rpc, long timeoutMs) {
        Promise<Buffer> reply = Promise.promise();
        client().request(lease.address(), HANDLE_RPC).onComplete(requested -> {
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
        return client().request(lease.address(), HANDLE_STREAMING_RPC)
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
                    headers.set(HttpHeaders.CONTENT_TYPE, GRPC_CONTENT_TYPE);
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
            GrpcClientRequest<Buffer, Buffer> request,
            String leverUrl,
            TraceContext trace,
            Buffer rpc,
            long timeoutMs,
            Promise<Buffer> reply) {
        setHeaders(request.headers(), lease, leverUrl, trace);
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (reply.tryFail(new CallException(
                    ErrorCode.INSTANCE_TIMEOUT,
                    lease.destination() + " did not answer " + leverUrl + " within " + timeoutMs
                            + " ms (the request timeout: raise it with lever up --request-timeout, or the data plane's"
                            + " --request-timeout, for longer calls)"))) {
                request.cancel();
            }
        });
        request.send(rpc).onComplete(sent -> {
            if (sent.failed()) {
                vertx.cancelTimer(timer);
                reply.tryFail(failed(lease, sent.cause()));
                return;
            }
            GrpcClientResponse<Buffer, Buffer> response = sent.result();
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

    /** Keeps the one reply message and completes the call at the end of the response. */
    private final class ReplyCollector implements io.vertx.core.Handler<Buffer> {
        private final Lease lease;
        private final GrpcClientResponse<Buffer, Buffer> response;
        private final Promise<Buffer> reply;
        private final long timer;
        private Buffer message;

        ReplyCollector(Lease lease, GrpcClientResponse<Buffer, Buffer> response, Promise<Buffer> reply, long timer) {
            this.lease = lease;
            this.response = response;
            this.reply = reply;
            this.timer = timer;
        }

        @Override
        public void handle(Buffer buffer) {
            message = buffer;
        }

        void end(Void ignored) {
            vertx.cancelTimer(timer);
            GrpcStatus status = response.status();
            if (status == GrpcStatus.OK && message != null) {
                reply.tryComplete(message);
            } else if (status == GrpcStatus.OK) {
                reply.tryFail(new CallException(
                        ErrorCode.INSTANCE_FAILED, lease.destination() + " answered without a reply message"));
            } else if (status == GrpcStatus.ABORTED && lease.resourceEpoch() != 0) {
                reply.tryFail(ResourceEpoch.moved(response.statusMessage()));
            } else {
                reply.tryFail(InstanceStatuses.toCallException(status, response.statusMessage()));
            }
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
        sharedClient.close();
        clientsByLoop.values().forEach(GrpcClient::close);
        relayClientsByLoop.values().forEach(HttpClient::close);
    }
}
