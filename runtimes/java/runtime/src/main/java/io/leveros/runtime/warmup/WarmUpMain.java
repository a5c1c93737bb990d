package io.leveros.runtime.warmup;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.runtime.RuntimeConfig;
import io.leveros.runtime.binding.JsonMapping;
import io.leveros.runtime.binding.MethodTable;
import io.leveros.runtime.loading.ServiceLoading;
import io.leveros.runtime.server.RuntimeServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A training run for class-data archives: starts the runtime on {@link WarmUpService} on a free
 * port, makes calls of every kind through real gRPC, stops, and exits. The node agent runs it once
 * per runtime build with {@code -XX:ArchiveClassesAtExit} and starts instances with the archive,
 * so that they map instead of load most of the classes an instance needs (a shorter cold start).
 */
public final class WarmUpMain {
    private static final Metadata.Key<String> LEVER_URL =
            Metadata.Key.of("lever-url", Metadata.ASCII_STRING_MARSHALLER);

    private WarmUpMain() {}

    public static void main(String[] args) throws Exception {
        RuntimeServer server = train();
        server.drain();
        System.exit(0);
    }

    /**
     * Starts the runtime on {@link WarmUpService} on a free port and calls it in every way; answers the
     * server, still running.
     */
    public static RuntimeServer train() throws IOException, InterruptedException {
        RuntimeConfig config = new RuntimeConfig(
                WarmUpService.class.getName(), Path.of("").toAbsolutePath(), "127.0.0.1", 0, Duration.ofSeconds(2));
        var service = ServiceLoading.load(config.codeDir(), config.className());
        RuntimeServer server = RuntimeServer.start(
                config, MethodTable.build(service, new JsonMapping(service.classLoader())), service.classLoader());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
        try {
            call(channel, "hello", json("[\"warm\"]"));
            call(channel, "move", json("[{\"x\": 1, \"y\": 2}, 3, [1, 2], {\"a\": true, \"b\": null, \"c\": 1.5}]"));
            call(
                    channel,
                    "reverse",
                    RPC.newBuilder()
                            .setByteArgs(ByteString.copyFromUtf8("warm"))
                            .build());
            call(channel, "fail", json("[\"on purpose\"]"));
            call(channel, "noSuchMethod", json("[]"));
            call(channel, "hello", json("[1, 2]"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return server;
    }

    private static RPC json(String args) {
        return RPC.newBuilder()
                .setArgs(JsonValues.parseArgs(args.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static void call(ManagedChannel channel, String method, RPC rpc) {
        Metadata headers = new Metadata();
        headers.put(LEVER_URL, "lever://warm.up/warmUp//" + method);
        try {
            LeverRPCGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .handleRPC(rpc);
        } catch (io.grpc.StatusRuntimeException expected) {
            // unknown methods and bad arguments are part of the warm-up
        }
    }
}
