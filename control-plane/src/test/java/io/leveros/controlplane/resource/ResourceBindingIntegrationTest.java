package io.leveros.controlplane.resource;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.GrpcServerPort;
import io.leveros.controlplane.testing.TarGz;
import io.leveros.proto.control.BindResourceRequest;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceReportAck;
import io.leveros.proto.control.ReleaseResourceRequest;
import io.leveros.proto.control.ResourceActivity;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.ServingVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * BindResource and ReleaseResource over the real gRPC port with node credentials, and the listing over
 * the real REST API. The node expiry (and so the start-up hold) is 2 s here.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.grpc.server.port=0", "lever.node-expiry=2s"})
@Import(GrpcServerPort.class)
class ResourceBindingIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(ResourceBindingIntegrationTest.class);
    static final String RESOURCES = "/api/v1/environments/dev.lever/services/chat/resources";

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
    NodeCredentials credentials;

    ManagedChannel channel;
    Api api;

    @BeforeEach
    void connect() {
        channel = grpc.channel();
        api = new Api(port, token.value());
        if (api.get("/api/v1/environments/dev.lever/services/chat").statusCode() == 404) {
            assertThat(api.deploy("dev.lever", TarGz.service("chat")).statusCode())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void aResourceIsBoundOnceListedWithItsLastCallAndReleasedByItsOwnerOnly() {
        RoutingGrpc.RoutingBlockingStub nodeA = node("node-a");
        RoutingGrpc.RoutingBlockingStub nodeB = node("node-b");
        InstanceReportAck ack = nodeA.reportInstances(report("node-a", 0));
        nodeB.reportInstances(report("node-b", 0));
        assertThat(ack.getControlPlaneId()).hasSize(32);

        ResourceBinding bound = nodeA.bindResource(bind("room/42", 1, true));
        assertThat(bound.getNodeId()).isEqualTo("node-a");
        assertThat(bound.getForwardingAddress()).isEqualTo("127.0.0.1:3501");
        assertThat(bound.getKey().getResource()).isEqualTo("room/42");
        assertThat(bound.getEpoch()).isGreaterThan(1_700_000_000_000_000L); // µs since 1970
        assertThat(nodeB.bindResource(bind("room/42", 1, true))).isEqualTo(bound);

        JsonNode listed = json(api.get(RESOURCES));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("resource").asString()).isEqualTo("room/42");
        assertThat(listed.get(0).get("node").asString()).isEqualTo("node-a");
        assertThat(listed.get(0).get("version").asLong()).isEqualTo(1);
        assertThat(listed.get(0).get("epoch").asLong()).isEqualTo(bound.getEpoch());
        assertThat(listed.get(0).get("instance").isNull()).isTrue();
        assertThat(listed.get(0).get("lastCall").isNull()).isTrue();
        Instant.parse(listed.get(0).get("boundAt").asString());

        assertThat(nodeA.reportInstances(report("node-a", bound.getEpoch())))
                .as("fixed per process")
                .isEqualTo(ack);
        JsonNode called = json(api.get(RESOURCES)).get(0);
        assertThat(called.get("instance").asString()).isEqualTo("i-1");
        assertThat(called.get("lastCall").asString()).isEqualTo("2026-12-01T10:00:00Z");

        assertThat(nodeB.releaseResource(release("room/42", bound.getEpoch())).getReleased())
                .as("not the owner")
                .isFalse();
        assertThat(nodeA.releaseResource(release("room/42", bound.getEpoch() + 1))
                        .getReleased())
                .as("another epoch")
                .isFalse();
        assertThat(nodeA.releaseResource(release("room/42", bound.getEpoch())).getReleased())
                .isTrue();
        assertThat(json(api.get(RESOURCES))).isEmpty();
        assertThat(api.get("/api/v1/environments/dev.lever/services/missing/resources")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void badKeysAreRefusedNamingWhatWasWrong() {
        RoutingGrpc.RoutingBlockingStub nodeA = node("node-a");
        assertRefused(
                () -> nodeA.bindResource(bind("", 1, true)), Status.Code.INVALID_ARGUMENT, "key.resource is empty");
        assertRefused(
                () -> nodeA.bindResource(bind("é".repeat(2049), 1, true)),
                Status.Code.INVALID_ARGUMENT,
                "key.resource: 4098 UTF-8 bytes (expected: at most 4096)");
        assertRefused(
                () -> nodeA.bindResource(bind("r", 0, true)),
                Status.Code.INVALID_ARGUMENT,
                "key.version: 0 (expected: > 0");
        assertRefused(
                () -> nodeA.bindResource(BindResourceRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT,
                "key.environment is empty");
        assertRefused(
                () -> nodeA.bindResource(bind("r", 2, true)), Status.Code.FAILED_PRECONDITION, "the live version is 1");
        assertRefused(
                () -> nodeA.bindResource(BindResourceRequest.newBuilder()
                        .setKey(key("r", 1).toBuilder().setService("missing"))
                        .build()),
                Status.Code.FAILED_PRECONDITION,
                "no such service in environment 'dev.lever'");
        assertRefused(
                () -> nodeA.releaseResource(release("", 1)), Status.Code.INVALID_ARGUMENT, "key.resource is empty");
        assertRefused(
                () -> RoutingGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .bindResource(bind("r", 1, true)),
                Status.Code.UNAUTHENTICATED,
                "node credential");
    }

    private RoutingGrpc.RoutingBlockingStub node(String nodeId) {
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + credentials.issue(nodeId));
        ClientInterceptor bearer = MetadataUtils.newAttachHeadersInterceptor(headers);
        // The first bind may wait out the start-up hold (the node expiry, 2 s).
        return RoutingGrpc.newBlockingStub(channel).withInterceptors(bearer).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** One ready instance {@code i-1}; with {@code epoch} > 0, a call of room/42 under it. */
    private static InstanceReport report(String nodeId, long epoch) {
        ServingVersion.Builder serving = ServingVersion.newBuilder()
                .setEnvironment("dev.lever")
                .setService("chat")
                .setVersion(1)
                .setReadyInstances(1);
        if (epoch > 0) {
            serving.addResourceActivity(ResourceActivity.newBuilder()
                    .setResource("room/42")
                    .setInstanceId("i-1")
                    .setEpoch(epoch)
                    .setLastCallUnixMs(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli()));
        }
        return InstanceReport.newBuilder()
                .setNodeId(nodeId)
                .setForwardingAddress(nodeId.equals("node-a") ? "127.0.0.1:3501" : "127.0.0.1:3502")
                .addServing(serving)
                .build();
    }

    private static ResourceKey key(String resource, long version) {
        return ResourceKey.newBuilder()
                .setEnvironment("dev.lever")
                .setService("chat")
                .setVersion(version)
                .setResource(resource)
                .build();
    }

    private static BindResourceRequest bind(String resource, long version, boolean canHost) {
        return BindResourceRequest.newBuilder()
                .setKey(key(resource, version))
                .setCanHost(canHost)
                .build();
    }

    private static ReleaseResourceRequest release(String resource, long epoch) {
        return ReleaseResourceRequest.newBuilder()
                .setKey(key(resource, 1))
                .setEpoch(epoch)
                .build();
    }

    private static void assertRefused(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }
}
