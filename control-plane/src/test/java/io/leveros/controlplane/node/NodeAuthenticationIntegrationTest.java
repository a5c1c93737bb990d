package io.leveros.controlplane.node;

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
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.GrpcServerPort;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.JoinClusterRequest;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Iterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The control plane's gRPC port as an attacker on the machine sees it: nothing answers without a
 * node credential, a credential speaks for its own node only, and a revoked one stops working.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.grpc.server.port=0", "lever.local-node-id=local"})
@Import(GrpcServerPort.class)
class NodeAuthenticationIntegrationTest {
    /** Made readable by all, as a data folder made by hand might be: the control plane tightens it. */
    static final Path DATA_DIR = readableByAll(DataDirs.create(NodeAuthenticationIntegrationTest.class));

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

    @BeforeEach
    void connect() {
        channel = grpc.channel();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void nothingAnswersWithoutAValidCredential() {
        assertRefused(
                () -> firstSnapshot(RoutingGrpc.newBlockingStub(channel), "local"),
                Status.Code.UNAUTHENTICATED,
                "no 'authorization: Bearer <node credential>'");
        assertRefused(
                () -> RoutingGrpc.newBlockingStub(channel).reportInstances(fakeReport("local")),
                Status.Code.UNAUTHENTICATED,
                "--node-credential-file");
        String forged = NodeCredentials.load(
                        DataDirs.create(NodeAuthenticationIntegrationTest.class), Clock.systemUTC())
                .issue("local");
        assertRefused(
                () -> firstSnapshot(RoutingGrpc.newBlockingStub(channel).withInterceptors(bearer(forged)), "local"),
                Status.Code.UNAUTHENTICATED,
                "not valid");
    }

    @Test
    void aCredentialSpeaksForItsOwnNodeOnly() {
        ClientInterceptor nodeA = bearer(credentials.issue("node-a"));
        assertRefused(
                () -> RoutingGrpc.newBlockingStub(channel)
                        .withInterceptors(nodeA)
                        .reportInstances(fakeReport("node-b")),
                Status.Code.PERMISSION_DENIED,
                "as node 'node-b'");
        assertRefused(
                () -> firstSnapshot(RoutingGrpc.newBlockingStub(channel).withInterceptors(nodeA), "node-b"),
                Status.Code.PERMISSION_DENIED,
                "issued to node 'node-a'");
        RoutingGrpc.newBlockingStub(channel).withInterceptors(nodeA).reportInstances(fakeReport("node-a"));
        RoutingSnapshot snapshot =
                firstSnapshot(RoutingGrpc.newBlockingStub(channel).withInterceptors(nodeA), "node-a");
        assertThat(snapshot.getForwardingKey())
                .isEqualTo(credentials.forwardingKey())
                .hasSizeGreaterThan(20);
    }

    @Test
    void leverUpsLocalNodeGetsItsCredentialInAnOwnerOnlyFile() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA_DIR)))
                .as("the data folder")
                .isEqualTo("rwx------");
        Path file = DATA_DIR.resolve("local-node.credential");
        assertThat(Files.getPosixFilePermissions(file)).hasToString("[OWNER_READ, OWNER_WRITE]");
        String credential = Files.readString(file).trim();
        assertThat(credentials.verify(credential)).isEqualTo("local");
    }

    @Test
    void aCredentialIssuedThroughTheApiWorksUntilRevoked() {
        Api api = new Api(port, token.value());
        HttpResponse<String> issued =
                api.post("/api/v1/nodes/node-c/credential", "application/json", new byte[0], true);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String credential = json(issued).get("credential").asString();
        ClientInterceptor nodeC = bearer(credential);
        RoutingGrpc.newBlockingStub(channel).withInterceptors(nodeC).reportInstances(fakeReport("node-c"));
        Iterator<RoutingSnapshot> revokedStream = RoutingGrpc.newBlockingStub(channel)
                .withInterceptors(nodeC)
                .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                .watchRoutes(WatchRoutesRequest.newBuilder().setNodeId("node-c").build());
        Iterator<RoutingSnapshot> memberStream = RoutingGrpc.newBlockingStub(channel)
                .withInterceptors(bearer(credentials.issue("node-e")))
                .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                .watchRoutes(WatchRoutesRequest.newBuilder().setNodeId("node-e").build());
        String keyBefore = revokedStream.next().getForwardingKey();
        assertThat(memberStream.next().getForwardingKey()).isEqualTo(keyBefore);

        HttpResponse<String> revoked = api.delete("/api/v1/nodes/node-c/credential", true);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        assertThat(credentials.forwardingKey())
                .as("a new membership generation")
                .isNotEqualTo(keyBefore);
        RoutingSnapshot next = memberStream.next();
        while (next.getForwardingKey().equals(keyBefore)) {
            next = memberStream.next();
        }
        assertThat(next.getForwardingKey()).isEqualTo(credentials.forwardingKey());
        while (revokedStream.hasNext()) {
            assertThat(revokedStream.next().getForwardingKey())
                    .as("the revoked node never learns the new key")
                    .isEqualTo(keyBefore);
        }
        assertRefused(
                () -> RoutingGrpc.newBlockingStub(channel)
                        .withInterceptors(nodeC)
                        .reportInstances(fakeReport("node-c")),
                Status.Code.UNAUTHENTICATED,
                "revoked");

        HttpResponse<String> badId = api.post("/api/v1/nodes/a.b/credential", "application/json", new byte[0], true);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(json(badId).get("code").asString()).isEqualTo("INVALID_NODE_ID");
        assertThat(api.post("/api/v1/nodes/node-d/credential", "application/json", new byte[0], false)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void aJoinTokenBuysANodeCredentialUntilItIsRevoked() {
        Api api = new Api(port, token.value());
        HttpResponse<String> made = api.postJson("/api/v1/nodes/join-tokens", "{\"expires\": \"1h\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String joinToken = json(made).get("token").asString();
        String id = json(made).get("info").get("id").asString();
        assertThat(joinToken).startsWith("lvj_").hasSize(4 + 43);
        assertThat(api.get("/api/v1/nodes/join-tokens").body()).contains(id).doesNotContain(joinToken);
        assertThat(DATA_DIR.resolve("join-tokens.json")).content().contains(id).doesNotContain(joinToken);

        String credential = RoutingGrpc.newBlockingStub(channel)
                .joinCluster(JoinClusterRequest.newBuilder()
                        .setNodeId("joined-1")
                        .setJoinToken(joinToken)
                        .build())
                .getNodeCredential();
        assertThat(credentials.verify(credential)).isEqualTo("joined-1");
        RoutingGrpc.newBlockingStub(channel)
                .withInterceptors(bearer(credential))
                .reportInstances(fakeReport("joined-1"));
        assertRefused(
                () -> join("joined-1", joinToken),
                Status.Code.ALREADY_EXISTS,
                "node 'joined-1' is a member that reports now");
        assertRefused(() -> join("a.b", joinToken), Status.Code.INVALID_ARGUMENT, "node id 'a.b'");
        assertRefused(() -> join("joined-2", "lvj_guessed"), Status.Code.UNAUTHENTICATED, "join token is not valid");
        assertRefused(() -> join("joined-2", token.value()), Status.Code.UNAUTHENTICATED, "--join-token-file");

        assertThat(api.delete("/api/v1/nodes/join-tokens/" + id, true).statusCode())
                .isEqualTo(204);
        assertRefused(() -> join("joined-2", joinToken), Status.Code.UNAUTHENTICATED, "expired or revoked");
        HttpResponse<String> again = api.delete("/api/v1/nodes/join-tokens/" + id, true);
        assertThat(json(again).get("code").asString()).isEqualTo("JOIN_TOKEN_NOT_FOUND");
        HttpResponse<String> badExpiry = api.postJson("/api/v1/nodes/join-tokens", "{\"expires\": \"soon\"}");
        assertThat(badExpiry.statusCode()).isEqualTo(400);
        assertThat(json(badExpiry).get("message").asString()).contains("'soon'", "24h");
        assertThat(api.post("/api/v1/nodes/join-tokens", "application/json", new byte[0], false)
                        .statusCode())
                .isEqualTo(401);
    }

    private String join(String nodeId, String joinToken) {
        return RoutingGrpc.newBlockingStub(channel)
                .joinCluster(JoinClusterRequest.newBuilder()
                        .setNodeId(nodeId)
                        .setJoinToken(joinToken)
                        .build())
                .getNodeCredential();
    }

    /** Last: it leaves this test's address blocked for failed calls. */
    @Test
    @Order(Integer.MAX_VALUE)
    void failingOnPurposeDoesNotLockOutTheNodesOfTheMachine() {
        for (int i = 0; i < 10; i++) { // the earlier tests' failures count too
            try {
                RoutingGrpc.newBlockingStub(channel).reportInstances(fakeReport("local"));
            } catch (StatusRuntimeException expected) {
                assertThat(expected.getStatus().getCode())
                        .isIn(Status.Code.UNAUTHENTICATED, Status.Code.RESOURCE_EXHAUSTED);
            }
        }
        assertRefused(
                () -> RoutingGrpc.newBlockingStub(channel).reportInstances(fakeReport("local")),
                Status.Code.RESOURCE_EXHAUSTED,
                "valid credentials still pass");
        RoutingGrpc.newBlockingStub(channel)
                .withInterceptors(bearer(credentials.issue("local")))
                .reportInstances(fakeReport("local"));
    }

    private static InstanceReport fakeReport(String nodeId) {
        return InstanceReport.newBuilder()
                .setNodeId(nodeId)
                .setForwardingAddress("127.0.0.1:6666")
                .build();
    }

    private static RoutingSnapshot firstSnapshot(RoutingGrpc.RoutingBlockingStub stub, String nodeId) {
        Iterator<RoutingSnapshot> snapshots = stub.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                .watchRoutes(WatchRoutesRequest.newBuilder().setNodeId(nodeId).build());
        return snapshots.next();
    }

    private static void assertRefused(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    private static ClientInterceptor bearer(String credential) {
        Metadata headers = new Metadata();
        headers.put(NodeAuthentication.AUTHORIZATION, "Bearer " + credential);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static Path readableByAll(Path dir) {
        try {
            return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
