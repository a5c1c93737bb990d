package io.leveros.runtime.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the data plane's internal gateway: a real gRPC server on a free port that records
 * the metadata of every call and answers the {@code traceparent} it carried ({@code "none"} without
 * one), so a test sees what an instance's outgoing call carried.
 */
final class FakeGateway implements AutoCloseable {
    static final Metadata.Key<String> TRACEPARENT = TraceContextInterceptor.TRACEPARENT;
    static final Metadata.Key<String> TRACESTATE = TraceContextInterceptor.TRACESTATE;

    private static final Context.Key<Metadata> HEADERS = Context.key("headers");

    /** The metadata of each call, in order. */
    final List<Metadata> calls;

    private final Server server;

    private FakeGateway(List<Metadata> calls, Server server) {
        this.calls = calls;
        this.server = server;
    }

    static FakeGateway start() throws IOException {
        LeverRPCGrpc.LeverRPCImplBase answer = new LeverRPCGrpc.LeverRPCImplBase() {
            @Override
            public void handleRPC(RPC request, StreamObserver<RPCReply> replies) {
                String traceparent = HEADERS.get().get(TRACEPARENT);
                replies.onNext(RPCReply.newBuilder()
                        .setResult(JSON.newBuilder().setJsonString(traceparent == null ? "none" : traceparent))
                        .build());
                replies.onCompleted();
            }
        };
        List<Metadata> calls = new CopyOnWriteArrayList<>();
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                calls.add(headers);
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(ServerInterceptors.intercept(answer, recorder))
                .build()
                .start();
        return new FakeGateway(calls, server);
    }

    String hostPort() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
