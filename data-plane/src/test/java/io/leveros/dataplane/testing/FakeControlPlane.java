package io.leveros.dataplane.testing;

import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's {@code Routing/WatchRoutes} at the seam: pushes the snapshots a test gives
 * it to every subscribed data plane (and the latest one to each new subscriber). Like the real one
 * it takes only callers with its node credential ({@link #credentialFile()}), refusing others with
 * UNAUTHENTICATED.
 */
public final class FakeControlPlane implements AutoCloseable {
    static final String CREDENTIAL = "lvn1.test-node-credential";

    static final ServiceMethod<WatchRoutesRequest, RoutingSnapshot> WATCH_ROUTES = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "WatchRoutes",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(WatchRoutesRequest.getDefaultInstance()));

    private final Vertx vertx = Vertx.vertx();
    private final List<GrpcServerResponse<WatchRoutesRequest, RoutingSnapshot>> streams = new CopyOnWriteArrayList<>();
    private final List<String> nodeIds = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Path credentialFile;
    private volatile RoutingSnapshot latest;

    public FakeControlPlane() throws Exception {
        credentialFile = Files.createTempFile("lever-node-", ".credential");
        Files.writeString(credentialFile, CREDENTIAL + "\n");
        // Readable by all: a test data plane may run as another user (DataPlaneProcessTest). A real
        // credential file is the data plane user's alone.
        Files.setPosixFilePermissions(credentialFile, PosixFilePermissions.fromString("rw-r--r--"));
        GrpcServer grpc = GrpcServer.server(vertx).callHandler(WATCH_ROUTES, request -> {
            if (!("Bearer " + CREDENTIAL).equals(request.headers().get("authorization"))) {
                request.response().status(GrpcStatus.UNAUTHENTICATED).end();
                return;
            }
            request.handler(watch -> {
                nodeIds.add(watch.getNodeId());
                GrpcServerResponse<WatchRoutesRequest, RoutingSnapshot> response = request.response();
                streams.add(response);
                request.connection().closeHandler(v -> streams.remove(response));
                if (latest != null) {
                    response.write(latest);
                }
            });
        });
        server = vertx.createHttpServer()
                .requestHandler(grpc)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** A file holding the credential this control plane takes, for {@code --node-credential-file}. */
    public Path credentialFile() {
        return credentialFile;
    }

    public List<String> nodeIds() {
        return nodeIds;
    }

    public int subscribers() {
        return streams.size();
    }

    public void push(RoutingSnapshot snapshot) {
        latest = snapshot;
        vertx.runOnContext(v -> streams.forEach(stream -> stream.write(snapshot)));
    }

    /** Ends every open stream with UNAVAILABLE, as a restarting control plane would. */
    public void dropStreams() {
        vertx.runOnContext(v -> {
            for (GrpcServerResponse<WatchRoutesRequest, RoutingSnapshot> stream : streams) {
                streams.remove(stream);
                stream.status(GrpcStatus.UNAVAILABLE).end();
            }
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(credentialFile);
    }
}
