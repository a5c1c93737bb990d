package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * What a caller is told when a call fails: the platform's own UNAVAILABLE answer, checked against a
 * fake data plane (a real gRPC server on a free port), keeps its message and gets no hint that the
 * platform may be down (LeverClientRuntimeTest checks that a port with no platform does).
 */
class LeverClientErrorsTest {
    private static final String REFUSED = "instance 1a2b of service 'svc' took no connection (Connection refused):"
            + " stopped from outside the platform, or crashed; the call was not delivered: retry";

    @Test
    void thePlatformsUnavailableAnswerIsNotTakenForAnUnreachablePlatform() throws Exception {
        LeverRPCGrpc.LeverRPCImplBase refusing = new LeverRPCGrpc.LeverRPCImplBase() {
            @Override
            public void handleRPC(RPC request, StreamObserver<RPCReply> replies) {
                replies.onError(Status.UNAVAILABLE.withDescription(REFUSED).asRuntimeException());
            }
        };
        Server dataPlane = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(refusing)
                .build()
                .start();
        try (LeverClient client = LeverClient.connect("127.0.0.1:" + dataPlane.getPort())) {
            assertThatThrownBy(() -> client.service("svc").invoke(String.class, "m"))
                    .isInstanceOf(LeverException.class)
                    .hasMessage("lever://dev.lever/svc//m: UNAVAILABLE: " + REFUSED);
        } finally {
            dataPlane.shutdownNow();
        }
    }
}
