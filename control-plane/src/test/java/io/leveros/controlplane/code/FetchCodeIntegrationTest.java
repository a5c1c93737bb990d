package io.leveros.controlplane.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
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
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import io.leveros.proto.control.RoutingGrpc;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
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
import tools.jackson.databind.json.JsonMapper;

/** {@code Routing/FetchCode} against a real control plane: node credential only, streamed, checksummed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.grpc.server.port=0")
@Import(GrpcServerPort.class)
class FetchCodeIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(FetchCodeIntegrationTest.class);

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
    NodeCredentials nodeCredentials;

    ManagedChannel channel;

    @BeforeEach
    void open() {
        channel = grpc.channel();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    private ClientInterceptor asNode(String nodeId) {
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + nodeCredentials.issue(nodeId));
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private JsonNode deploy(String name) {
        byte[] noise = new byte[300 * 1024]; // incompressible: several chunks
        new Random(42).nextBytes(noise);
        HttpResponse<String> deployed = new Api(port, token.value())
                .deploy(
                        "dev.lever",
                        TarGz.create()
                                .file("lever.json", "{\"name\": \"" + name + "\", \"entry\": [\"./serve\"]}")
                                .file("serve", "#!/bin/sh\n".getBytes(), 0755)
                                .file("noise.bin", noise, 0644)
                                .build());
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        return new JsonMapper().readTree(deployed.body());
    }

    @Test
    void aNodeFetchesTheVersionsArchiveInChunks() throws IOException {
        deploy("fetched");
        Path archive = DATA_DIR.resolve("code/dev.lever/fetched/1.tar.gz");
        String sha256 = sha256(Files.readAllBytes(archive));

        Iterator<CodeChunk> chunks = RoutingGrpc.newBlockingStub(channel)
                .withInterceptors(asNode("node-a"))
                .fetchCode(request("fetched", 1, sha256));
        List<Integer> sizes = new ArrayList<>();
        ByteString received = ByteString.EMPTY;
        while (chunks.hasNext()) {
            ByteString data = chunks.next().getData();
            sizes.add(data.size());
            received = received.concat(data);
        }

        assertThat(received.toByteArray()).isEqualTo(Files.readAllBytes(archive));
        assertThat(sizes).hasSizeGreaterThan(4).allSatisfy(size -> assertThat(size)
                .isBetween(1, CodeStreaming.CHUNK_BYTES));
        assertThat(CodeArchivesTest.entries(archive)).contains("noise.bin 100644", "serve 100755");
    }

    @Test
    void aCallWithoutANodeCredentialIsRefused() {
        deploy("secret");
        Iterator<CodeChunk> chunks = RoutingGrpc.newBlockingStub(channel).fetchCode(request("secret", 1, ""));
        assertThatThrownBy(chunks::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                        e.getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void anUnknownVersionOrAnotherArchiveIsNotFound() {
        deploy("known");
        RoutingGrpc.RoutingBlockingStub stub =
                RoutingGrpc.newBlockingStub(channel).withInterceptors(asNode("node-a"));

        assertThatThrownBy(() -> stub.fetchCode(request("known", 7, "")).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("no code for dev.lever/known version 7: no such version is deployed");
                });
        assertThatThrownBy(() ->
                        stub.fetchCode(request("known", 1, "00".repeat(32))).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("no code with sha256 " + "00".repeat(32) + " for dev.lever/known version 1: "
                                    + "its archive has sha256 ");
                });
    }

    private static FetchCodeRequest request(String service, long version, String sha256) {
        return FetchCodeRequest.newBuilder()
                .setEnvironment("dev.lever")
                .setService(service)
                .setVersion(version)
                .setCodeSha256(sha256)
                .build();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
