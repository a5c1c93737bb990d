package io.leveros.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The runtime contract, checked against the runtime running as a separate process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeProcessTest {
    static final String SAMPLE = "io.leveros.runtime.testservice.SampleService";

    @TempDir
    static Path dir;

    private RuntimeProcess runtime;
    private ManagedChannel channel;

    @BeforeAll
    void startRuntime() throws Exception {
        runtime = startSample(RuntimeProcess.codeFolder(dir.resolve("code")));
        channel = channel(runtime.awaitPort());
    }

    /** The runtime the tests share. */
    RuntimeProcess startedRuntime() {
        return runtime;
    }

    /** The runtime serving {@link #SAMPLE} from {@code codeDir}, as the data plane starts it. */
    RuntimeProcess startSample(Path codeDir) throws IOException {
        return RuntimeProcess.start(codeDir, SAMPLE);
    }

    @AfterAll
    void stopRuntime() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        runtime.close();
    }

    @Test
    void answersCalls() {
        assertThat(call(channel, "sayHello", "[\"world\"]").getResult().getJsonString())
                .isEqualTo("Hello, world!");
        assertThat(call(channel, "add", "[40, 2]").getResult().getJsonNumber()).isEqualTo(42);
        assertThat(call(channel, "fail", "[\"boom\"]").getError().getJsonString())
                .isEqualTo("boom");
        assertThat(call(channel, "failWithBytes", "[]").getByteError().toByteArray())
                .containsExactly(1, 2, 3);
    }

    @Test
    void resourceUrlsReachTheMethod() {
        RPCReply reply = stub(channel, "lever://test.lever/sample/some/resource/sayHello")
                .handleRPC(rpc("[\"r\"]"));
        assertThat(reply.getResult().getJsonString()).isEqualTo("Hello, r!");
    }

    @Test
    void privateAndUnknownMethodsAreNotFound() {
        StatusRuntimeException e = failure(() -> call(channel, "_secret", "[]"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription())
                .startsWith("method '_secret' not found in service 'sample' (exported: add, big,");
    }

    @Test
    void unbindableArgumentsAreInvalid() {
        StatusRuntimeException e = failure(() -> call(channel, "add", "[1]"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("method 'add' takes 2 arguments (int a, int b), got 1");
    }

    @Test
    void aRequestThatIsNotProtobufIsInvalidNotUnknown() throws Exception {
        byte[] corrupt = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        Status unary = rawCall(LeverRPCGrpc.getHandleRPCMethod(), "sayHello", corrupt);
        assertThat(unary.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unary.getDescription())
                .startsWith("the request of core.LeverRPC/HandleRPC is not a valid protobuf message (");
        Status stream = rawCall(LeverRPCGrpc.getHandleStreamingRPCMethod(), "fooChan", corrupt);
        assertThat(stream.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(call(channel, "sayHello", "[\"after\"]").getResult().getJsonString())
                .isEqualTo("Hello, after!");
    }

    /** Sends {@code message} as the only request message of {@code method}, bytes as they are; the status. */
    private Status rawCall(MethodDescriptor<?, ?> method, String leverMethod, byte[] message) throws Exception {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        ClientCall<byte[], byte[]> call = channel.newCall(
                method.toBuilder(bytes, bytes).build(), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                url(leverMethod));
        call.request(1);
        call.sendMessage(message);
        call.halfClose();
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void missingLeverUrlIsInvalid() {
        StatusRuntimeException e =
                failure(() -> LeverRPCGrpc.newBlockingStub(channel).handleRPC(rpc("[]")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("the call has no lever-url header");
    }

    @Test
    void streamingMethodThroughHandleRpcIsAFailedPrecondition() {
        StatusRuntimeException e = failure(() -> call(channel, "fooChan", "[\"x\"]"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void streamingCalls() throws Exception {
        assertThat(streamStatus("sayHello").getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(streamStatus("fooChan").getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT); // takes 1 arg
        assertThat(streamStatus("nope").getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void sigtermDrainsTheCallInFlight(@TempDir Path other) throws Exception {
        try (RuntimeProcess draining = startSample(RuntimeProcess.codeFolder(other))) {
            ManagedChannel drainChannel = channel(draining.awaitPort());
            try {
                ListenableFuture<RPCReply> slow = LeverRPCGrpc.newFutureStub(drainChannel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(url("slow")))
                        .handleRPC(rpc("[1500]"));
                await().atMost(Duration.ofSeconds(10)).until(() -> draining.stdout.contains("slow call started"));

                draining.terminate();

                await().atMost(Duration.ofSeconds(5))
                        .until(() -> draining.stdout.stream().anyMatch(line -> line.startsWith("draining")));
                StatusRuntimeException refused = failure(() -> call(drainChannel, "sayHello", "[\"late\"]"));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(slow.isDone())
                        .as("the in-flight call is still running")
                        .isFalse();
                assertThat(slow.get(10, TimeUnit.SECONDS).getResult().getJsonString())
                        .isEqualTo("slept 1500 ms in test-instance");
                assertThat(draining.awaitExit(Duration.ofSeconds(10))).isEqualTo(143); // 128 + SIGTERM
                assertThat(draining.stdout).anyMatch(line -> line.startsWith("stopped after draining"));
            } finally {
                drainChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A call whose stream reached the runtime before its SIGTERM is served, though its message comes
     * after: the runtime's GOAWAY told the caller it would be, so the caller cannot send it elsewhere.
     */
    @Test
    void sigtermServesACallWhoseStreamCameBeforeItThoughItsMessageComesAfter(@TempDir Path other) throws Exception {
        try (RuntimeProcess draining = startSample(RuntimeProcess.codeFolder(other))) {
            ManagedChannel drainChannel = channel(draining.awaitPort());
            try {
                ClientCall<RPC, RPCReply> late =
                        drainChannel.newCall(LeverRPCGrpc.getHandleRPCMethod(), CallOptions.DEFAULT);
                CompletableFuture<RPCReply> reply = new CompletableFuture<>();
                CompletableFuture<Status> closed = new CompletableFuture<>();
                late.start(
                        new ClientCall.Listener<>() {
                            @Override
                            public void onMessage(RPCReply message) {
                                reply.complete(message);
                            }

                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                closed.complete(status);
                            }
                        },
                        url("sayHello"));
                late.request(1);
                // A call after it on the same connection is answered: the runtime has read the first stream.
                assertThat(call(drainChannel, "sayHello", "[\"before\"]")
                                .getResult()
                                .getJsonString())
                        .isEqualTo("Hello, before!");

                draining.terminate();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> draining.stdout.stream().anyMatch(line -> line.startsWith("draining")));
                late.sendMessage(rpc("[\"late\"]"));
                late.halfClose();

                assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
                assertThat(reply.get().getResult().getJsonString()).isEqualTo("Hello, late!");
                assertThat(draining.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            } finally {
                drainChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void overloadedServiceRefusesToStart(@TempDir Path other) throws Exception {
        assertStartFailure(
                other,
                "io.leveros.runtime.testservice.OverloadedService",
                "service class io.leveros.runtime.testservice.OverloadedService has 2 public methods named 'greet':");
    }

    @Test
    void crashingConstructorRefusesToStart(@TempDir Path other) throws Exception {
        assertStartFailure(
                other,
                "io.leveros.runtime.testservice.CrashingService",
                "constructor of io.leveros.runtime.testservice.CrashingService threw java.lang.IllegalStateException:"
                        + " crash at start on purpose");
    }

    @Test
    void missingClassRefusesToStart(@TempDir Path other) throws Exception {
        assertStartFailure(other, "com.example.Missing", "service class com.example.Missing not found in ");
    }

    private static void assertStartFailure(Path dir, String className, String expectedStart) throws Exception {
        try (RuntimeProcess failing = RuntimeProcess.start(RuntimeProcess.codeFolder(dir), className)) {
            assertThat(failing.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !failing.stderr.isEmpty());
            assertThat(failing.stderr).as(failing.output()).hasSize(1);
            assertThat(failing.stderr.getFirst()).startsWith(expectedStart);
            assertThat(failing.stdout).noneMatch(line -> line.startsWith("serving"));
        }
    }

    private Status streamStatus(String method) throws Exception {
        CompletableFuture<Status> status = new CompletableFuture<>();
        StreamObserver<StreamMessage> requests = LeverRPCGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(url(method)))
                .handleStreamingRPC(new StreamObserver<>() {
                    @Override
                    public void onNext(StreamMessage value) {}

                    @Override
                    public void onError(Throwable t) {
                        status.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        status.complete(Status.OK);
                    }
                });
        requests.onNext(StreamMessage.newBuilder().setRpc(rpc("[]")).build());
        Status result = status.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return result;
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static RPCReply call(ManagedChannel channel, String method, String args) {
        return stub(channel, "lever://test.lever/sample//" + method).handleRPC(rpc(args));
    }

    private static LeverRPCGrpc.LeverRPCBlockingStub stub(ManagedChannel channel, String url) {
        Metadata headers = new Metadata();
        headers.put(LeverUrlInterceptor.LEVER_URL_HEADER, url);
        return LeverRPCGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static Metadata url(String method) {
        Metadata headers = new Metadata();
        headers.put(LeverUrlInterceptor.LEVER_URL_HEADER, "lever://test.lever/sample//" + method);
        return headers;
    }

    private static RPC rpc(String args) {
        return RPC.newBuilder()
                .setArgs(JsonValues.parseArgs(args.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static StatusRuntimeException failure(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should fail with a gRPC status").isNotNull();
        return e;
    }
}
