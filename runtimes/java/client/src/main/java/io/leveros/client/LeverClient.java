package io.leveros.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.leveros.api.TraceContext;
import io.leveros.api.internal.CurrentCall;
import io.leveros.core.url.LeverUrl;
import io.leveros.core.url.LeverUrlHeader;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Calls Lever services over gRPC ({@code core.LeverRPC}). One client holds one connection to a data
 * plane and is safe to share between threads; close it when done.
 *
 * <pre>{@code
 * try (LeverClient client = LeverClient.connect("127.0.0.1:8080")) {
 *     String greeting = client.service("dev.lever", "helloService").invoke(String.class, "sayHello", "world");
 *     String same = client.invokeUrl(String.class, "/helloService/sayHello", "world");
 *     ClientStream stream = client.invokeChanUrl("/testService/ReqReplyStreamChan", "some test");
 * }
 * }</pre>
 *
 * <p>Defaults: the host is {@code LEVEROS_IP_PORT}, else (inside an instance) {@code
 * LEVEROS_INTERNAL_RPC_GATEWAY}, else {@code 127.0.0.1:8080}; the environment of relative URLs is
 * {@code LEVEROS_ENVIRONMENT}, else {@code dev.lever}. Inside an instance, calls through the
 * internal gateway carry the instance's credential ({@code LEVEROS_INSTANCE_TOKEN}).
 *
 * <p>Tracing: a call made on the thread of a call being handled carries that call's W3C {@code
 * traceparent} and {@code tracestate} ({@link TraceContext#current()}), so the trace continues in
 * the called service; {@link Endpoint#withTrace} sends a chosen one instead. Outside a handled call
 * nothing is added.
 */
public final class LeverClient implements AutoCloseable {
    public static final String DEFAULT_HOST = "127.0.0.1:8080";
    public static final String DEFAULT_ENVIRONMENT = "dev.lever";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    static final Metadata.Key<String> LEVER_URL = Metadata.Key.of("lever-url", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_TOKEN =
            Metadata.Key.of("lever-instance-token", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of(TraceContext.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRACESTATE =
            Metadata.Key.of(TraceContext.TRACESTATE, Metadata.ASCII_STRING_MARSHALLER);
    private static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final String host;
    private final String environment;
    private final Duration timeout;
    private final String instanceToken;
    private final ManagedChannel channel;
    private final LeverRPCGrpc.LeverRPCBlockingStub stub;
    private final WireCodec codec = new WireCodec();

    private LeverClient(Builder builder) {
        this.host = builder.host;
        this.environment = builder.environment;
        this.timeout = builder.timeout;
        this.instanceToken = builder.instanceToken;
        this.channel = NettyChannelBuilder.forTarget(host)
                .usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .build();
        this.stub = LeverRPCGrpc.newBlockingStub(channel);
    }

    /** A client of the data plane at {@code hostPort}, with the default environment. */
    public static LeverClient connect(String hostPort) {
        return builder().host(hostPort).build();
    }

    /** A client with every default (see the class comment). */
    public static LeverClient create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder(System.getenv());
    }

    static Builder builder(Map<String, String> env) {
        return new Builder(env);
    }

    /** The service {@code service} in {@code environment}. */
    public Endpoint service(String environment, String service) {
        return new Endpoint(this, requireName(environment, "environment"), requireName(service, "service"), "");
    }

    /** The service {@code service} in the default environment. */
    public Endpoint service(String service) {
        return service(environment, service);
    }

    /** The resource {@code resource} of {@code service} in {@code environment}. */
    public Endpoint resource(String environment, String service, String resource) {
        return new Endpoint(
                this,
                requireName(environment, "environment"),
                requireName(service, "service"),
                requireName(resource, "resource"));
    }

    /**
     * Calls the method at {@code leverUrl}: absolute ({@code lever://env/service/method}) or relative
     * to the default environment ({@code /service/method}).
     *
     * @throws RemoteException when the method raised an error
     * @throws LeverException when the platform could not complete the call
     */
    public <T> T invokeUrl(Class<T> type, String leverUrl, Object... args) {
        return call(resolve(leverUrl), null, codec.type(type), args);
    }

    /** Like {@link #invokeUrl(Class, String, Object...)} for generic result types. */
    public <T> T invokeUrl(TypeReference<T> type, String leverUrl, Object... args) {
        return call(resolve(leverUrl), null, codec.type(type.getType()), args);
    }

    /** Like {@link #invokeUrl(Class, String, Object...)} for a reflected type. */
    public <T> T invokeUrl(Type type, String leverUrl, Object... args) {
        return call(resolve(leverUrl), null, codec.type(type), args);
    }

    /**
     * Opens a streaming call to the method at {@code leverUrl} (absolute, or relative to the default
     * environment) with {@code args}, and waits until the service has accepted it.
     *
     * @throws LeverException when the platform refused the call (no such method, wrong arguments...)
     * @throws IllegalArgumentException when the method is not a streaming method
     */
    public ClientStream invokeChanUrl(String leverUrl, Object... args) {
        return openStream(resolve(leverUrl), null, args);
    }

    /** The data plane this client talks to, {@code host:port}. */
    public String host() {
        return host;
    }

    /** The environment of relative URLs and of {@link #service(String)}. */
    public String environment() {
        return environment;
    }

    /** The credential sent with each call, or {@code null}. */
    String instanceToken() {
        return instanceToken;
    }

    private LeverUrl resolve(String leverUrl) {
        LeverUrl url = LeverUrl.parse(leverUrl);
        return url.isAbsolute() ? url : url.withEnvironment(environment);
    }

    WireCodec codec() {
        return codec;
    }

    /** @param trace the trace context to send; {@code null}: the current one, if any */
    <T> T call(LeverUrl url, TraceContext trace, JavaType type, Object[] args) {
        String text = url.toString();
        if (url.isStreaming()) {
            throw new IllegalArgumentException("use invokeChan for streaming methods ('" + url.method()
                    + "' is one: its name ends in Chan or _chan); invoke is for request/reply methods");
        }
        Metadata headers = headers(url, trace);
        RPCReply reply;
        try {
            reply = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handleRPC(codec.encodeArgs(args));
        } catch (StatusRuntimeException e) {
            throw platformError(text, e.getStatus(), e);
        }
        return codec.decode(reply, type, text);
    }

    /** @param trace the trace context to send; {@code null}: the current one, if any */
    ClientStream openStream(LeverUrl url, TraceContext trace, Object[] args) {
        String text = url.toString();
        if (!url.isStreaming()) {
            throw new IllegalArgumentException("use invoke for request/reply methods ('" + url.method()
                    + "' is one: its name does not end in Chan or _chan); invokeChan is for streaming methods");
        }
        StreamMessage rpc =
                StreamMessage.newBuilder().setRpc(codec.encodeArgs(args)).build();
        ClientStream stream = new ClientStream(this, text);
        LeverRPCGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(url, trace)))
                .withOnReadyThreshold(ClientStream.SEND_BUFFER_BYTES)
                .handleStreamingRPC(stream.observer());
        stream.open(rpc, timeout.toMillis());
        return stream;
    }

    /**
     * The call's headers; the resource escaped as {@link LeverUrlHeader} says. The trace context is
     * {@code trace}, else the one of the call this thread handles (none outside a call).
     */
    private Metadata headers(LeverUrl url, TraceContext trace) {
        Metadata headers = new Metadata();
        headers.put(LEVER_URL, LeverUrlHeader.format(url));
        if (instanceToken != null) {
            headers.put(INSTANCE_TOKEN, instanceToken);
        }
        TraceContext sent = trace != null ? trace : CurrentCall.trace();
        if (sent != null) {
            headers.put(TRACEPARENT, sent.traceparent());
            if (!sent.tracestate().isEmpty()) {
                headers.put(TRACESTATE, sent.tracestate());
            }
        }
        return headers;
    }

    LeverException platformError(String url, Status status, Throwable cause) {
        String message =
                url + ": " + status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        // The client's own connection failed (a status the platform answers has no cause).
        if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
            message += " (cannot reach a Lever data plane at " + host
                    + "; is the platform running? set LEVEROS_IP_PORT or use LeverClient.connect(\"host:port\"))";
        } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            message += " (no answer within " + timeout.toMillis()
                    + " ms; raise it with LeverClient.builder().timeout(...))";
        }
        return new LeverException(status.getCode(), url, message, cause);
    }

    /** Closes the connection; calls in flight are cancelled. */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String requireName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " name '" + value + "' (expected: a non-empty name)");
        }
        return value;
    }

    /** Options of a {@link LeverClient}; each has a default (see the class comment). */
    public static final class Builder {
        private final Map<String, String> env;
        private String host;
        private String environment;
        private Duration timeout = DEFAULT_TIMEOUT;
        private String instanceToken;
        private boolean instanceTokenSet;

        private Builder(Map<String, String> env) {
            this.env = env;
            String ipPort = blankToNull(env.get("LEVEROS_IP_PORT"));
            String gateway = blankToNull(env.get("LEVEROS_INTERNAL_RPC_GATEWAY"));
            this.host = ipPort != null ? ipPort : gateway != null ? gateway : DEFAULT_HOST;
            String ownEnvironment = blankToNull(env.get("LEVEROS_ENVIRONMENT"));
            this.environment = ownEnvironment != null ? ownEnvironment : DEFAULT_ENVIRONMENT;
        }

        /** The data plane, {@code host:port}. */
        public Builder host(String hostPort) {
            this.host = requireName(hostPort, "host");
            return this;
        }

        /** The environment of relative URLs. */
        public Builder environment(String environment) {
            this.environment = requireName(environment, "environment");
            return this;
        }

        /** The deadline of each call (default 60 s). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The credential sent as {@code lever-instance-token}; by default {@code LEVEROS_INSTANCE_TOKEN}
         * when the host is this instance's internal gateway, else none.
         */
        public Builder instanceToken(String token) {
            this.instanceToken = token;
            this.instanceTokenSet = true;
            return this;
        }

        public LeverClient build() {
            if (!instanceTokenSet) {
                String gateway = blankToNull(env.get("LEVEROS_INTERNAL_RPC_GATEWAY"));
                instanceToken = host.equals(gateway) ? blankToNull(env.get("LEVEROS_INSTANCE_TOKEN")) : null;
            }
            return new LeverClient(this);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
