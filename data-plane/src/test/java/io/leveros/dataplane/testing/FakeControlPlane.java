package io.leveros.dataplane.testing;

import com.google.protobuf.ByteString;
import io.leveros.proto.control.BindResourceRequest;
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceReportAck;
import io.leveros.proto.control.JoinClusterReply;
import io.leveros.proto.control.JoinClusterRequest;
import io.leveros.proto.control.ReleaseResourceReply;
import io.leveros.proto.control.ReleaseResourceRequest;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;
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
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control plane's {@code Routing} service at the seam: pushes the snapshots a test gives it to
 * every subscribed data plane (and the latest one to each new subscriber), acknowledges reports,
 * and binds resources to the reporting node (first come, one epoch per binding). Like the real one
 * it takes only callers with its node credential ({@link #credentialFile()}), refusing others with
 * UNAUTHENTICATED.
 */
public final class FakeControlPlane implements AutoCloseable {
    static final String CREDENTIAL = "lvn1.test-node-credential";
    /** The join token {@code JoinCluster} takes, trading it for {@link #CREDENTIAL}. */
    public static final String JOIN_TOKEN = "lvj_test-join-token";

    static final ServiceMethod<JoinClusterRequest, JoinClusterReply> JOIN_CLUSTER = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "JoinCluster",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(JoinClusterRequest.getDefaultInstance()));

    static final ServiceMethod<WatchRoutesRequest, RoutingSnapshot> WATCH_ROUTES = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "WatchRoutes",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(WatchRoutesRequest.getDefaultInstance()));

    static final ServiceMethod<InstanceReport, InstanceReportAck> REPORT_INSTANCES = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "ReportInstances",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(InstanceReport.getDefaultInstance()));
    static final ServiceMethod<BindResourceRequest, ResourceBinding> BIND_RESOURCE = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "BindResource",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(BindResourceRequest.getDefaultInstance()));
    static final ServiceMethod<ReleaseResourceRequest, ReleaseResourceReply> RELEASE_RESOURCE = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "ReleaseResource",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(ReleaseResourceRequest.getDefaultInstance()));

    static final ServiceMethod<FetchCodeRequest, CodeChunk> FETCH_CODE = ServiceMethod.server(
            ServiceName.create("lever.control.v1", "Routing"),
            "FetchCode",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(FetchCodeRequest.getDefaultInstance()));

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger codeFetches = new AtomicInteger();
    private volatile CompletableFuture<Void> codeGate = CompletableFuture.completedFuture(null);
    private volatile boolean damageCode;
    /** Resource bindings, as the real control plane keeps them: one per key, each with a new epoch. */
    private final Map<String, ResourceBinding> bindings = new ConcurrentHashMap<>();

    private final AtomicLong epochs = new AtomicLong(1000);
    private final List<String> releases = new CopyOnWriteArrayList<>();
    private final AtomicInteger binds = new AtomicInteger();
    private final AtomicInteger reports = new AtomicInteger();
    private volatile String controlPlaneId = "fake-control-plane-1";
    private volatile boolean answerReports = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String reportingNode = "";
    private volatile String reportedForwardingAddress = "";
    private final List<GrpcServerResponse<WatchRoutesRequest, RoutingSnapshot>> streams = new CopyOnWriteArrayList<>();
    private final List<String> nodeIds = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Path credentialFile;
    private volatile RoutingSnapshot latest;
    private volatile InstanceReport lastReport;
    private final List<String> joined = new CopyOnWriteArrayList<>();

    public FakeControlPlane() throws Exception {
        credentialFile = TemporaryFolders.file("lever-node-", ".credential");
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
        grpc.callHandler(REPORT_INSTANCES, request -> {
            if (refused(request)) {
                return;
            }
            request.handler(report -> {
                if (!answerReports) {
                    request.response().status(GrpcStatus.UNAVAILABLE).end();
                    return;
                }
                lastReport = report;
                reports.incrementAndGet();
                reportingNode = report.getNodeId();
                reportedForwardingAddress = report.getForwardingAddress();
                request.response()
                        .send(InstanceReportAck.newBuilder()
                                .setControlPlaneId(controlPlaneId)
                                .build());
            });
        });
        grpc.callHandler(
                JOIN_CLUSTER,
                request -> request.handler(join -> {
                    if (!JOIN_TOKEN.equals(join.getJoinToken())) {
                        request.response()
                                .status(GrpcStatus.UNAUTHENTICATED)
                                .statusMessage("the join token is not valid")
                                .end();
                        return;
                    }
                    joined.add(join.getNodeId());
                    request.response()
                            .send(JoinClusterReply.newBuilder()
                                    .setNodeCredential(CREDENTIAL)
                                    .build());
                }));
        grpc.callHandler(BIND_RESOURCE, request -> {
            if (refused(request)) {
                return;
            }
            request.handler(bind -> {
                binds.incrementAndGet();
                ResourceBinding binding = bindings.computeIfAbsent(key(bind.getKey()), k -> ResourceBinding.newBuilder()
                        .setKey(bind.getKey())
                        .setNodeId(reportingNode)
                        .setForwardingAddress(reportedForwardingAddress)
                        .setEpoch(epochs.incrementAndGet())
                        .build());
                request.response().send(binding);
            });
        });
        grpc.callHandler(RELEASE_RESOURCE, request -> {
            if (refused(request)) {
                return;
            }
            request.handler(release -> {
                String key = key(release.getKey());
                ResourceBinding binding = bindings.get(key);
                boolean released =
                        binding != null && binding.getEpoch() == release.getEpoch() && bindings.remove(key, binding);
                if (released) {
                    releases.add(release.getKey().getResource());
                }
                request.response()
                        .send(ReleaseResourceReply.newBuilder()
                                .setReleased(released)
                                .build());
            });
        });
        grpc.callHandler(FETCH_CODE, request -> {
            if (refused(request)) {
                return;
            }
            request.handler(fetch -> {
                codeFetches.incrementAndGet();
                byte[] archive = TestCode.ARCHIVES.get(fetch.getCodeSha256());
                if (archive == null) {
                    request.response()
                            .status(GrpcStatus.NOT_FOUND)
                            .statusMessage("no code with sha256 " + fetch.getCodeSha256())
                            .end();
                    return;
                }
                byte[] sent = archive.clone();
                if (damageCode) {
                    sent[sent.length / 2] ^= 1;
                }
                codeGate.thenRun(() -> vertx.runOnContext(v -> {
                    for (int at = 0; at < sent.length; at += 64 * 1024) {
                        request.response()
                                .write(CodeChunk.newBuilder()
                                        .setData(ByteString.copyFrom(sent, at, Math.min(64 * 1024, sent.length - at)))
                                        .build());
                    }
                    request.response().end();
                }));
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

    /** The node ids that joined with {@link #JOIN_TOKEN}. */
    public List<String> joined() {
        return joined;
    }

    /** The last instance report, or {@code null}. */
    public InstanceReport lastReport() {
        return lastReport;
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

    private static boolean refused(GrpcServerRequest<?, ?> request) {
        if (("Bearer " + CREDENTIAL).equals(request.headers().get("authorization"))) {
            return false;
        }
        request.response().status(GrpcStatus.UNAUTHENTICATED).end();
        return true;
    }

    private static String key(ResourceKey key) {
        return key.getEnvironment() + "/" + key.getService() + "/" + key.getVersion() + "/" + key.getResource();
    }

    /** How many FetchCode calls came. */
    public int codeFetches() {
        return codeFetches.get();
    }

    /** FetchCode answers only once {@code gate} completes. */
    public void holdCode(CompletableFuture<Void> gate) {
        codeGate = gate;
    }

    /** Whether FetchCode sends the archives with one bit flipped. */
    public void damageCode(boolean damage) {
        damageCode = damage;
    }

    /** How many instance reports were acknowledged. */
    public int reports() {
        return reports.get();
    }

    /** How many BindResource calls were answered. */
    public int binds() {
        return binds.get();
    }

    /** The resources whose bindings were released, in order. */
    public List<String> releases() {
        return releases;
    }

    /** Binds {@code resource} (of {@code env/service/version}) to another node, as if it had asked first. */
    public void bindElsewhere(String env, String service, long version, String resource, String node, String address) {
        ResourceKey key = ResourceKey.newBuilder()
                .setEnvironment(env)
                .setService(service)
                .setVersion(version)
                .setResource(resource)
                .build();
        bindings.put(
                key(key),
                ResourceBinding.newBuilder()
                        .setKey(key)
                        .setNodeId(node)
                        .setForwardingAddress(address)
                        .setEpoch(epochs.incrementAndGet())
                        .build());
    }

    /** Acknowledges reports as another control-plane process from now on (as after a restart). */
    public void restart(String newId) {
        bindings.clear();
        controlPlaneId = newId;
    }

    /** Whether reports are answered (a node whose reports fail loses its resource lease). */
    public void answerReports(boolean answer) {
        answerReports = answer;
    }

    /**
     * Goes away as a control plane's process does: its streams reset. Vert.x's close alone shuts the
     * server down gracefully and may leave a route stream open for seconds, so a data plane's failover
     * measured the fake's shutdown (ControlPlaneFailoverTest failed 1 run in 3 or 5 that way).
     */
    @Override
    public void close() throws Exception {
        if (closed.getAndSet(true)) {
            return;
        }
        CompletableFuture<Void> reset = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            streams.forEach(GrpcServerResponse::cancel);
            reset.complete(null);
        });
        reset.get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(credentialFile);
    }
}
