package io.leveros.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.leveros.api.TraceContext;
import io.leveros.client.ClientStream;
import io.leveros.client.Endpoint;
import io.leveros.client.LeverClient;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSONProperty;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The W3C trace context through the runtime running as a real process: the {@code traceparent}
 * and {@code tracestate} metadata of a call reach {@code TraceContext.current()} in regular and
 * streaming methods, and the calls the method makes through the internal gateway (a {@link
 * FakeGateway} here) carry them on; a call without them, or with an invalid traceparent, has none
 * and passes none on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceProcessTest {
    private static final String SERVICE = "io.leveros.runtime.testservice.TraceService";
    private static final TraceContext TRACE = new TraceContext(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    @TempDir
    static Path dir;

    private FakeGateway gateway;
    private RuntimeProcess runtime;
    private LeverClient client;
    private Endpoint service;

    @BeforeAll
    void start() throws Exception {
        gateway = FakeGateway.start();
        runtime = RuntimeProcess.start(
                RuntimeProcess.codeFolder(dir.resolve("code")),
                SERVICE,
                Map.of("LEVEROS_INTERNAL_RPC_GATEWAY", gateway.hostPort(), "LEVEROS_INSTANCE_TOKEN", "token-1"));
        client = LeverClient.builder()
                .host("127.0.0.1:" + runtime.awaitPort())
                .environment("test.lever")
                .timeout(Duration.ofSeconds(10))
                .build();
        service = client.service("test.lever", "trace");
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        runtime.close();
        gateway.close();
    }

    @BeforeEach
    void clear() {
        gateway.calls.clear();
    }

    @Test
    void theHandlerSeesTheIncomingTraceContext() {
        assertThat(service.withTrace(TRACE).invoke(MAP, "traceContext"))
                .containsEntry("traceparent", TRACE.traceparent())
                .containsEntry("tracestate", TRACE.tracestate())
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("parentId", "00f067aa0ba902b7");
    }

    @Test
    void aCallInsideTheHandlerCarriesTheSameTraceContext() {
        Map<String, Object> answer = service.withTrace(TRACE).invoke(MAP, "callOut", "other", "m");
        assertThat(answer.get("callee")).isEqualTo(TRACE.traceparent());
        assertThat(gateway.calls).singleElement().satisfies(headers -> {
            assertThat(headers.get(FakeGateway.TRACEPARENT)).isEqualTo(TRACE.traceparent());
            assertThat(headers.get(FakeGateway.TRACESTATE)).isEqualTo(TRACE.tracestate());
            assertThat(headers.get(Metadata.Key.of("lever-instance-token", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("token-1");
        });
    }

    @Test
    void aStreamingMethodSeesItAndPassesItOn() {
        ClientStream stream = service.withTrace(TRACE).invokeChan("traceChan", "other");
        assertThat(stream.receive(MAP)).containsEntry("traceparent", TRACE.traceparent());
        stream.send("m");
        assertThat(stream.receive(String.class)).isEqualTo(TRACE.traceparent());
        stream.close();
        assertThat(gateway.calls).singleElement().satisfies(headers -> assertThat(headers.get(FakeGateway.TRACESTATE))
                .isEqualTo(TRACE.tracestate()));
    }

    @Test
    void aWrappedTaskOnAnotherThreadPassesItOnAnUnwrappedOneDoesNot() {
        assertThat(service.withTrace(TRACE).invoke(String.class, "callOutFromAnotherThread", "other", "m", true))
                .isEqualTo(TRACE.traceparent());
        assertThat(service.withTrace(TRACE).invoke(String.class, "callOutFromAnotherThread", "other", "m", false))
                .isEqualTo("none");
    }

    @Test
    void withoutATraceContextNothingIsSeenOrAdded() {
        assertThat(service.invoke(MAP, "traceContext")).isEmpty();
        assertThat(service.invoke(MAP, "callOut", "other", "m").get("callee")).isEqualTo("none");
        assertThat(gateway.calls).singleElement().satisfies(headers -> {
            assertThat(headers.containsKey(FakeGateway.TRACEPARENT)).isFalse();
            assertThat(headers.containsKey(FakeGateway.TRACESTATE)).isFalse();
        });
    }

    @Test
    void anInvalidTraceparentIsIgnoredNotRefused() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", runtime.awaitPort())
                .usePlaintext()
                .build();
        try {
            for (String invalid : new String[] {
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "garbage"
            }) {
                RPCReply seen = rawCall(channel, "traceContext", "[]", invalid);
                assertThat(seen.getResult().getJsonObject().getPropertyList())
                        .as(invalid)
                        .isEmpty();
                RPCReply called = rawCall(channel, "callOut", "[\"other\", \"m\"]", invalid);
                assertThat(called.getResult().getJsonObject().getPropertyList())
                        .filteredOn(p -> p.getName().equals("callee"))
                        .extracting(JSONProperty::getValue)
                        .singleElement()
                        .satisfies(v -> assertThat(v.getJsonString()).isEqualTo("none"));
            }
            assertThat(gateway.calls)
                    .hasSize(3)
                    .noneMatch(headers -> headers.containsKey(FakeGateway.TRACEPARENT)
                            || headers.containsKey(FakeGateway.TRACESTATE));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static RPCReply rawCall(ManagedChannel channel, String method, String args, String traceparent) {
        Metadata headers = new Metadata();
        headers.put(LeverUrlInterceptor.LEVER_URL_HEADER, "lever://test.lever/trace//" + method);
        headers.put(FakeGateway.TRACEPARENT, traceparent);
        headers.put(FakeGateway.TRACESTATE, "rojo=1");
        return LeverRPCGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .handleRPC(RPC.newBuilder()
                        .setArgs(JsonValues.parseArgs(args.getBytes(StandardCharsets.UTF_8)))
                        .build());
    }
}
