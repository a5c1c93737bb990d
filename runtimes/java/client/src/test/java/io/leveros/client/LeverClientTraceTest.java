package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.leveros.api.TraceContext;
import io.leveros.api.internal.CurrentCall;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The W3C trace context the client sends, checked against a fake gateway (a real gRPC server on a
 * free port) that records the metadata of each call.
 */
class LeverClientTraceTest {
    private static final TraceContext HANDLED = new TraceContext(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    private static final TraceContext CHOSEN =
            new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "");

    private static final List<Metadata> seen = new CopyOnWriteArrayList<>();
    private static Server gateway;
    private static LeverClient client;

    @BeforeAll
    static void start() throws Exception {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        LeverRPCGrpc.LeverRPCImplBase fake = new LeverRPCGrpc.LeverRPCImplBase() {
            @Override
            public void handleRPC(RPC request, StreamObserver<RPCReply> replies) {
                seen.add(headers.get());
                replies.onNext(RPCReply.newBuilder()
                        .setResult(JSON.newBuilder().setJsonString("ok"))
                        .build());
                replies.onCompleted();
            }

            @Override
            public StreamObserver<StreamMessage> handleStreamingRPC(StreamObserver<StreamMessage> replies) {
                seen.add(headers.get());
                replies.onNext(StreamMessage.getDefaultInstance());
                return new StreamObserver<>() {
                    @Override
                    public void onNext(StreamMessage value) {}

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        replies.onCompleted();
                    }
                };
            }
        };
        gateway = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(ServerInterceptors.intercept(fake, new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(
                            ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
                        headers.set(metadata);
                        return next.startCall(call, metadata);
                    }
                }))
                .build()
                .start();
        client = LeverClient.builder()
                .host("127.0.0.1:" + gateway.getPort())
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.shutdownNow();
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    @Test
    void outsideAHandledCallNothingIsAdded() {
        client.invokeUrl(String.class, "lever://dev.lever/svc/m");
        assertThat(seen).singleElement().satisfies(headers -> {
            assertThat(headers.containsKey(LeverClient.TRACEPARENT)).isFalse();
            assertThat(headers.containsKey(LeverClient.TRACESTATE)).isFalse();
        });
    }

    @Test
    void aCallMadeWhileHandlingACallCarriesItsTraceContext() {
        CurrentCall.enter("", HANDLED);
        try {
            client.invokeUrl(String.class, "/svc/m");
            client.service("svc").invoke(String.class, "m");
            client.invokeChanUrl("/svc/xChan").close();
        } finally {
            CurrentCall.exit();
        }
        assertThat(seen).hasSize(3).allSatisfy(headers -> {
            assertThat(headers.get(LeverClient.TRACEPARENT)).isEqualTo(HANDLED.traceparent());
            assertThat(headers.get(LeverClient.TRACESTATE)).isEqualTo(HANDLED.tracestate());
        });
    }

    @Test
    void anEndpointWithTraceSendsThatOneOnAnyThread() throws Exception {
        Endpoint svc = client.service("svc").withTrace(CHOSEN);
        CurrentCall.enter("", HANDLED);
        try {
            svc.invoke(String.class, "m"); // the chosen one wins over the handled call's
        } finally {
            CurrentCall.exit();
        }
        try (ExecutorService other = Executors.newVirtualThreadPerTaskExecutor()) {
            other.submit(() -> svc.invokeChan("xChan").close()).get();
        }
        assertThat(seen).hasSize(2).allSatisfy(headers -> {
            assertThat(headers.get(LeverClient.TRACEPARENT)).isEqualTo(CHOSEN.traceparent());
            assertThat(headers.containsKey(LeverClient.TRACESTATE)).isFalse(); // it had none
        });
        client.service("svc").withTrace(CHOSEN).withTrace(null).invoke(String.class, "m");
        assertThat(seen.get(2).containsKey(LeverClient.TRACEPARENT)).isFalse();
    }

    @Test
    void wrapCarriesItToAnotherThread() throws Exception {
        try (ExecutorService other = Executors.newVirtualThreadPerTaskExecutor()) {
            CurrentCall.enter("", HANDLED);
            try {
                other.submit(TraceContext.wrap(() -> client.service("svc").invoke(String.class, "m")))
                        .get();
                other.submit(() -> client.service("svc").invoke(String.class, "m"))
                        .get(); // not wrapped: another thread sees no trace context
            } finally {
                CurrentCall.exit();
            }
        }
        assertThat(seen.get(0).get(LeverClient.TRACEPARENT)).isEqualTo(HANDLED.traceparent());
        assertThat(seen.get(1).containsKey(LeverClient.TRACEPARENT)).isFalse();
    }
}
