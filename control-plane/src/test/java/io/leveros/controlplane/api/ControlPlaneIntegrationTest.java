package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.routing.RoutesPublisher;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.GrpcServerPort;
import io.leveros.controlplane.testing.TarGz;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.ServiceVersion;
import io.leveros.proto.control.ServingVersion;
import io.leveros.proto.control.WatchRoutesRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.grpc.server.port=0")
@Import(GrpcServerPort.class)
class ControlPlaneIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(ControlPlaneIntegrationTest.class);

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("lever.data-dir", DATA_DIR::toString);
    }

    @AfterAll
    static void removeDataDir() {
        ArchiveExtractor.deleteQuietly(DATA_DIR);
    }

    @LocalServerPort
    int port;

    @Autowired
    GrpcServerPort grpc;

    @Autowired
    AccessToken token;

    @Autowired
    RoutesPublisher publisher;

    @Autowired
    NodeCredentials nodeCredentials;

    /** Sends a credential of {@code nodeId}, as that node's data plane does. */
    ClientInterceptor asNode(String nodeId) {
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + nodeCredentials.issue(nodeId));
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port, token.value());
    }

    @Test
    void deploysAFirstVersionThatIsLiveAtOnceAndASecondThatStartsFirst() {
        HttpResponse<String> first = api.deploy("dev.lever", TarGz.service("helloService"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode v1 = json(first);
        assertThat(v1.get("version").asLong()).isEqualTo(1);
        assertThat(v1.get("live").asBoolean()).isTrue();
        assertThat(v1.get("state").asString())
                .as("live while its start is checked")
                .isEqualTo("starting");
        assertThat(v1.get("environment").asString()).isEqualTo("dev.lever");
        assertThat(v1.get("service").asString()).isEqualTo("helloService");
        assertThat(v1.get("entry").get("javaEntry").asString()).isEqualTo("com.example.Hello");
        assertThat(v1.get("private").asBoolean()).isFalse();
        assertThat(v1.get("ram").asInt()).isEqualTo(256);
        assertThat(v1.get("config").isObject()).isTrue();
        assertThat(v1.get("files").asInt()).isEqualTo(2);
        assertThat(v1.get("archiveBytes").asLong()).isPositive();

        HttpResponse<String> second = api.deploy("dev.lever", TarGz.service("helloService"));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(json(second).get("version").asLong()).isEqualTo(2);
        assertThat(json(second).get("live").asBoolean()).isFalse();
        assertThat(json(second).get("state").asString()).isEqualTo("starting");

        JsonNode service = json(api.get("/api/v1/environments/dev.lever/services/helloService"));
        assertThat(service.get("liveVersion").asLong())
                .as("no node runs here, so v2 never becomes ready")
                .isEqualTo(1);
        assertThat(service.get("startingVersion").asLong()).isEqualTo(2);
        assertThat(service.get("name").asString()).isEqualTo("helloService");
        assertThat(service.has("createdAt") && service.has("updatedAt") && service.has("description"))
                .isTrue();

        JsonNode services = json(api.get("/api/v1/environments/dev.lever/services"));
        assertThat(services.findValuesAsString("name")).contains("helloService");

        JsonNode versions = json(api.get("/api/v1/environments/dev.lever/services/helloService/versions"));
        assertThat(versions.findValuesAsString("version")).startsWith("2", "1");
        assertThat(versions.get(0).get("state").asString()).isEqualTo("starting");
        assertThat(versions.get(1).get("live").asBoolean()).isTrue();
        assertThat(DATA_DIR.resolve("code/dev.lever/helloService/2/lever.json")).exists();
    }

    @Test
    void everyCallNeedsTheToken() {
        HttpResponse<String> deploy = api.post(
                "/api/v1/environments/dev.lever/deployments",
                "application/gzip",
                TarGz.service("sneakyService"),
                false);
        assertThat(deploy.statusCode()).isEqualTo(401);
        assertThat(json(deploy).get("code").asString()).isEqualTo("UNAUTHORIZED");
        assertThat(json(deploy).get("message").asString())
                .contains("the local CLI reads the token from " + DATA_DIR.resolve("token"));

        Api wrongToken = new Api(port, "not-the-token");
        assertThat(wrongToken
                        .postJson("/api/v1/environments", "{\"name\": \"x.lever\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(api.delete("/api/v1/environments/dev.lever", false).statusCode())
                .isEqualTo(401);
        assertThat(api.get("/api/v1/environments/dev.lever/services/sneakyService")
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/environments").statusCode()).isEqualTo(200);
        assertThat(new Api(port, null).get("/api/v1/environments").statusCode())
                .as("reads too")
                .isEqualTo(401);
    }

    @Test
    void anInvalidLeverJsonIsRefusedAndChangesNothing() throws IOException {
        Path state = DATA_DIR.resolve("store/state.json");
        byte[] stateBefore = Files.readAllBytes(state);
        List<Path> codeBefore = tree(DATA_DIR.resolve("code"));
        byte[] archive = TarGz.create()
                .file("lever.json", "{\"name\": \"badService\", \"javaEntry\": \"com.example.Hello\", \"ram\": 1}")
                .build();

        HttpResponse<String> response = api.deploy("dev.lever", archive);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asString()).isEqualTo("INVALID_LEVER_JSON");
        assertThat(json(response).get("message").asString()).contains("'ram' must be a whole number");
        assertThat(Files.readAllBytes(state)).isEqualTo(stateBefore);
        assertThat(tree(DATA_DIR.resolve("code"))).isEqualTo(codeBefore);
    }

    @Test
    void aHostileArchiveIsRefused() {
        byte[] archive = TarGz.create()
                .file("lever.json", "{\"name\": \"evilService\", \"javaEntry\": \"x.Y\"}")
                .file("../evil", "x")
                .build();
        HttpResponse<String> response = api.deploy("dev.lever", archive);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asString()).isEqualTo("INVALID_ARCHIVE");
        assertThat(json(response).get("message").asString())
                .isEqualTo("archive entry '../evil' leaves the service folder (expected: relative paths inside the "
                        + "archive, without '..')");
        assertThat(DATA_DIR.resolve("code/evil")).doesNotExist();
    }

    @Test
    void unknownEnvironmentsAndServicesAre404() {
        HttpResponse<String> deploy = api.deploy("nope.lever", TarGz.service("helloService"));
        assertThat(deploy.statusCode()).isEqualTo(404);
        assertThat(json(deploy).get("code").asString()).isEqualTo("ENVIRONMENT_NOT_FOUND");
        assertThat(api.get("/api/v1/environments/nope.lever").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/environments/nope.lever/services").statusCode())
                .isEqualTo(404);
        HttpResponse<String> service = api.get("/api/v1/environments/dev.lever/services/ghostService");
        assertThat(service.statusCode()).isEqualTo(404);
        assertThat(json(service).get("code").asString()).isEqualTo("SERVICE_NOT_FOUND");
        assertThat(json(service).get("message").asString())
                .isEqualTo("service 'ghostService' not found in environment 'dev.lever' (deploy it first)");
    }

    @Test
    void refusesOtherContentTypes() {
        HttpResponse<String> response =
                api.post("/api/v1/environments/dev.lever/deployments", "text/plain", TarGz.service("x1Service"), true);
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("code").asString()).isEqualTo("UNSUPPORTED_CONTENT_TYPE");
    }

    @Test
    void createsListsAndDeletesEnvironments() {
        HttpResponse<String> created = api.postJson("/api/v1/environments", "{\"name\": \"staging.lever\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("name").asString()).isEqualTo("staging.lever");
        assertThat(json(created).get("serviceCount").asInt()).isZero();

        assertThat(json(api.get("/api/v1/environments")).findValuesAsString("name"))
                .contains("dev.lever", "staging.lever");
        assertThat(json(api.get("/api/v1/environments/staging.lever"))
                        .get("createdAt")
                        .asString())
                .isNotBlank();

        HttpResponse<String> again = api.postJson("/api/v1/environments", "{\"name\": \"staging.lever\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("code").asString()).isEqualTo("ENVIRONMENT_EXISTS");

        HttpResponse<String> invalid = api.postJson("/api/v1/environments", "{\"name\": \"Not A Host\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).get("message").asString()).contains("'Not A Host' is not a host name");
        assertThat(api.postJson("/api/v1/environments", "{oops").statusCode()).isEqualTo(400);

        assertThat(api.deploy("staging.lever", TarGz.service("stagedService")).statusCode())
                .isEqualTo(201);
        assertThat(json(api.get("/api/v1/environments/staging.lever"))
                        .get("serviceCount")
                        .asInt())
                .isEqualTo(1);
        HttpResponse<String> notEmpty = api.delete("/api/v1/environments/staging.lever", true);
        assertThat(notEmpty.statusCode()).isEqualTo(409);
        assertThat(json(notEmpty).get("code").asString()).isEqualTo("ENVIRONMENT_NOT_EMPTY");

        assertThat(api.postJson("/api/v1/environments", "{\"name\": \"temp.lever\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(api.delete("/api/v1/environments/temp.lever", true).statusCode())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/environments/temp.lever").statusCode()).isEqualTo(404);
        assertThat(api.delete("/api/v1/environments/dev.lever", true).statusCode())
                .isEqualTo(409);
    }

    /** A watcher that keeps every snapshot it gets in {@code received}. */
    private static StreamObserver<RoutingSnapshot> collectInto(List<RoutingSnapshot> received) {
        return new StreamObserver<>() {
            @Override
            public void onNext(RoutingSnapshot snapshot) {
                received.add(snapshot);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    @Test
    void pushesRoutesToWatchers() throws InterruptedException {
        ManagedChannel channel = grpc.channel();
        List<RoutingSnapshot> received = new CopyOnWriteArrayList<>();
        try {
            RoutingGrpc.newStub(channel)
                    .withInterceptors(asNode("test-node"))
                    .watchRoutes(
                            WatchRoutesRequest.newBuilder()
                                    .setNodeId("test-node")
                                    .build(),
                            collectInto(received));
            await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            RoutingSnapshot initial = received.getFirst();
            assertThat(initial.getDefaultEnvironment()).isEqualTo("dev.lever");
            assertThat(initial.getEnvironmentsList()).anyMatch(e -> e.getName().equals("dev.lever"));

            HttpResponse<String> deploy = api.deploy(
                    "dev.lever",
                    TarGz.create()
                            .file(
                                    "lever.json",
                                    "{\"name\": \"routedService\", \"entry\": [\"./serve\", \"--fast\"], \"private\": true,"
                                            + " \"ram\": 128, \"idleTimeout\": \"30s\", \"maxInstances\": 3,"
                                            + " \"resourceIdleTimeout\": \"90s\", \"maxResourcesPerInstance\": 5,"
                                            + " \"config\": {\"greeting\": \"hi\"}}")
                            .file("serve", "#!/bin/sh")
                            .build());
            assertThat(deploy.statusCode()).as(deploy.body()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(10)).until(() -> routed(received.getLast()) != null);
            RoutingSnapshot latest = received.getLast();
            assertThat(latest.getRevision()).isGreaterThan(initial.getRevision());
            ServiceVersion live = routed(latest);
            assertThat(live.getVersion()).isEqualTo(1);
            assertThat(live.getCommand().getArgvList()).containsExactly("./serve", "--fast");
            assertThat(live.getPrivate()).isTrue();
            assertThat(live.getRamMb()).isEqualTo(128);
            assertThat(live.getIdleTimeoutMs()).isEqualTo(30_000);
            assertThat(live.getMaxInstances()).isEqualTo(3);
            assertThat(live.getMaxInstanceLoad()).isEqualTo(10.0);
            assertThat(live.getResourceIdleTimeoutMs()).isEqualTo(90_000);
            assertThat(live.getMaxResourcesPerInstance()).isEqualTo(5);
            assertThat(live.getConfigJson()).isEqualTo("{\"greeting\":\"hi\"}");
            assertThat(live.getCodeSha256()).hasSize(64);
            assertThat(live.getCodeBytes()).isPositive();
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void instanceReportsReachEveryWatcherAndANodeThatLeavesIsDropped() throws InterruptedException {
        ManagedChannel channel = grpc.channel();
        List<RoutingSnapshot> received = new CopyOnWriteArrayList<>();
        Context.CancellableContext reporterWatch = Context.current().withCancellation();
        Context.CancellableContext reconnectedWatch = Context.current().withCancellation();
        try {
            RoutingGrpc.newStub(channel)
                    .withInterceptors(asNode("watcher"))
                    .watchRoutes(
                            WatchRoutesRequest.newBuilder().setNodeId("watcher").build(), collectInto(received));
            reporterWatch.run(() -> RoutingGrpc.newStub(channel)
                    .withInterceptors(asNode("reporter"))
                    .watchRoutes(
                            WatchRoutesRequest.newBuilder()
                                    .setNodeId("reporter")
                                    .build(),
                            collectInto(new CopyOnWriteArrayList<>())));
            InstanceReport report = InstanceReport.newBuilder()
                    .setNodeId("reporter")
                    .setForwardingAddress("127.0.0.1:3501")
                    .addServing(ServingVersion.newBuilder()
                            .setEnvironment("dev.lever")
                            .setService("reported")
                            .setVersion(7)
                            .setReadyInstances(2))
                    .build();
            RoutingGrpc.newBlockingStub(channel)
                    .withInterceptors(asNode("reporter"))
                    .reportInstances(report);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !received.isEmpty()
                            && received.getLast().getNodesList().stream()
                                    .anyMatch(node -> node.getNodeId().equals("reporter")));
            Node reporter = received.getLast().getNodesList().stream()
                    .filter(node -> node.getNodeId().equals("reporter"))
                    .findFirst()
                    .orElseThrow();
            assertThat(reporter.getForwardingAddress()).isEqualTo("127.0.0.1:3501");
            assertThat(reporter.getServingList()).containsExactlyElementsOf(report.getServingList());

            assertThatThrownBy(() -> RoutingGrpc.newBlockingStub(channel)
                            .withInterceptors(asNode("x"))
                            .reportInstances(
                                    InstanceReport.newBuilder().setNodeId("x").build()))
                    .hasMessageContaining("forwarding_address");

            // The reporter reconnects: its new stream opens before the old one ends. It stays known.
            int watching = publisher.subscriberCount();
            reconnectedWatch.run(() -> RoutingGrpc.newStub(channel)
                    .withInterceptors(asNode("reporter"))
                    .watchRoutes(
                            WatchRoutesRequest.newBuilder()
                                    .setNodeId("reporter")
                                    .build(),
                            collectInto(new CopyOnWriteArrayList<>())));
            await().atMost(Duration.ofSeconds(10)).until(() -> publisher.subscriberCount() > watching);
            reporterWatch.cancel(null);
            await("a reconnected node is not dropped with its old stream")
                    .during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> received.getLast().getNodesList().stream()
                            .anyMatch(node -> node.getNodeId().equals("reporter")));

            reconnectedWatch.cancel(null); // the reporter's last routes stream closes: it left
            await().atMost(Duration.ofSeconds(10)).until(() -> received.getLast().getNodesList().stream()
                    .noneMatch(node -> node.getNodeId().equals("reporter")));
        } finally {
            reporterWatch.cancel(null);
            reconnectedWatch.cancel(null);
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void inFileModeTheOneControlPlaneLeadsInTermZero() {
        JsonNode cluster = json(api.get("/api/v1/cluster"));
        assertThat(cluster.get("leading").asBoolean()).isTrue();
        assertThat(cluster.get("term").asLong()).isZero();
        assertThat(cluster.get("leaderId").asString())
                .isEqualTo(cluster.get("controlPlaneId").asString())
                .isNotEmpty();
        assertThat(cluster.get("version").asString())
                .as("run from classes, not its jar")
                .isEqualTo("development build");
    }

    @Test
    void servesHealthMetricsAndOpenApi() {
        HttpResponse<String> health = api.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asString()).isEqualTo("UP");
        HttpResponse<String> metrics = api.get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        await("the autoscaler's meters after its first tick")
                .atMost(Duration.ofSeconds(5))
                .until(() -> api.get("/actuator/prometheus").body().contains("lever_scaling_tick_seconds_count"));
        assertThat(api.get("/actuator/prometheus").body()).contains("lever_nodes ");
        HttpResponse<String> docs = api.get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode openApi = json(docs);
        assertThat(openApi.at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");
        assertThat(openApi.at("/security/0").has("bearer"))
                .as("every operation needs the token")
                .isTrue();
        assertThat(api.get("/swagger-ui.html").statusCode()).isIn(200, 302);
    }

    private static ServiceVersion routed(RoutingSnapshot snapshot) {
        return snapshot.getEnvironmentsList().stream()
                .filter(e -> e.getName().equals("dev.lever"))
                .flatMap(e -> e.getServicesList().stream())
                .filter(s -> s.getName().equals("routedService"))
                .map(s -> s.getLive())
                .findFirst()
                .orElse(null);
    }

    private static List<Path> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.sorted().toList();
        }
    }
}
