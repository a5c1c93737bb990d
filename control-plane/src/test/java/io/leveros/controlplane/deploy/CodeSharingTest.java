package io.leveros.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.archive.ArchiveLimits;
import io.leveros.controlplane.code.CodeArchives;
import io.leveros.controlplane.code.CodeStreaming;
import io.leveros.controlplane.code.RedisCodeStore;
import io.leveros.controlplane.store.RedisConnections;
import io.leveros.controlplane.store.RedisMetadataStore;
import io.leveros.controlplane.store.StoreLocation;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.controlplane.testing.RedisServer;
import io.leveros.controlplane.testing.TarGz;
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import io.leveros.proto.control.RoutingGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Two control planes on one real redis-server, each with its own code folder and no shared disk: the code
 * deployed through one is served by the other, copied from Redis and checked on the way.
 */
class CodeSharingTest {
    private static final byte[] NOISE = new byte[3 * 1024 * 1024]; // incompressible: several Redis chunks

    static {
        new Random(7).nextBytes(NOISE);
    }

    @TempDir
    Path temp;

    RedisServer redis;
    ControlPlane a;
    ControlPlane b;

    @BeforeEach
    void start() throws IOException {
        redis = RedisServer.start(temp);
        a = new ControlPlane(temp.resolve("a"));
        b = new ControlPlane(temp.resolve("b"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        b.close();
        a.close();
        redis.stop();
    }

    @Test
    void codeDeployedThroughOneControlPlaneIsServedByTheOther() throws IOException {
        VersionRecord deployed = a.deploy("shared").version();
        byte[] archive = Files.readAllBytes(a.archives.archive("dev.lever", "shared", 1));
        VersionRecord seenByB = b.awaitVersion("shared", 1);
        assertThat(b.archives.archive("dev.lever", "shared", 1)).doesNotExist();

        assertThat(b.archives.local(seenByB))
                .as("concurrent fetches of one archive share one copy")
                .isSameAs(b.archives.local(seenByB));
        byte[] served = b.fetch("shared", 1, deployed.codeSha256());

        assertThat(served).isEqualTo(archive);
        assertThat(DeployServiceTest.sha256(b.archives.archive("dev.lever", "shared", 1)))
                .isEqualTo(deployed.codeSha256());
        assertThat(served).hasSize((int) deployed.codeBytes());
        assertThat(leftovers(b)).isEmpty();

        VersionRecord again = a.deploy("shared").version();
        assertThat(again.codeSha256()).as("the same code").isEqualTo(deployed.codeSha256());
        assertThat(codeKeys())
                .as("stored once: a manifest and four 1 MiB chunks")
                .containsExactlyInAnyOrder(
                        "lever:code:" + deployed.codeSha256(),
                        "lever:code:" + deployed.codeSha256() + ":0",
                        "lever:code:" + deployed.codeSha256() + ":1",
                        "lever:code:" + deployed.codeSha256() + ":2",
                        "lever:code:" + deployed.codeSha256() + ":3");
    }

    @Test
    void aDamagedArchiveInRedisIsRefusedAndNothingIsKept() {
        VersionRecord deployed = a.deploy("damaged").version();
        b.awaitVersion("damaged", 1);
        byte[] chunk = "lever:code:%s:2".formatted(deployed.codeSha256()).getBytes(StandardCharsets.UTF_8);
        try (RedisConnection connection = a.connections.getConnection()) {
            byte[] value = connection.stringCommands().get(chunk);
            value[1000] ^= 0x01;
            connection.stringCommands().set(chunk, value);
        }

        assertThatThrownBy(() -> b.fetch("damaged", 1, deployed.codeSha256()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("cannot serve the code of dev.lever/damaged version 1: the archive with sha256 "
                                    + deployed.codeSha256() + " in the store at " + redis.url()
                                    + " is damaged: its bytes have sha256 ")
                            .contains("nothing was kept");
                });
        assertThat(b.archives.archive("dev.lever", "damaged", 1)).doesNotExist();
        assertThat(leftovers(b)).isEmpty();

        String lastChunk = "lever:code:" + deployed.codeSha256() + ":3";
        try (RedisConnection connection = a.connections.getConnection()) {
            connection.keyCommands().del(lastChunk.getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> b.fetch("damaged", 1, deployed.codeSha256()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
                    assertThat(e.getStatus().getDescription())
                            .contains(" is damaged: chunk " + lastChunk + " of 4 is missing; nothing was kept.");
                });
        assertThat(b.archives.archive("dev.lever", "damaged", 1)).doesNotExist();
        assertThat(leftovers(b)).isEmpty();
    }

    @Test
    void anArchiveMissingInRedisIsStoredAgainAtStart() {
        VersionRecord deployed = a.deploy("older").version();
        try (RedisConnection connection = a.connections.getConnection()) {
            connection.keyCommands().del(("lever:code:" + deployed.codeSha256()).getBytes(StandardCharsets.UTF_8));
        }
        b.awaitVersion("older", 1);
        assertThatThrownBy(() -> b.fetch("older", 1, deployed.codeSha256()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription())
                            .contains("is not in the store at " + redis.url() + " (no key lever:code:");
                });

        a.archives.shareUnshared(a.store); // what A's next start does

        assertThat(b.fetch("older", 1, deployed.codeSha256())).hasSize((int) deployed.codeBytes());
    }

    @Test
    void withRedisStoppedADeployCommitsNothingAndAMissingArchiveIsUnavailable() {
        VersionRecord first = a.deploy("paused").version();
        b.awaitVersion("paused", 1);
        redis.stop();

        assertThatThrownBy(() -> a.deploy("paused")).isInstanceOfSatisfying(ControlPlaneException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.getMessage()).startsWith("the code store at " + redis.url() + " cannot be reached (");
        });
        assertThat(a.archives.folder("dev.lever", "paused", 2)).doesNotExist();
        assertThatThrownBy(() -> b.fetch("paused", 1, first.codeSha256()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("the code of dev.lever/paused version 1 is not on this control plane's disk "
                                    + "and the code store at " + redis.url() + " cannot be reached (")
                            .endsWith("the node fetches it again at its next start");
                });
        assertThat(leftovers(b)).isEmpty();

        redis.start();
        await().atMost(Duration.ofSeconds(10)) // the client reconnects by itself; the node asks again
                .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                .untilAsserted(() ->
                        assertThat(b.fetch("paused", 1, first.codeSha256())).hasSize((int) first.codeBytes()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.store.snapshot().revision() > 0
                        && a.store.snapshot().version("dev.lever", "paused", 1).isPresent());
        assertThat(a.store.snapshot().version("dev.lever", "paused", 2)).isEmpty();
    }

    private Set<String> codeKeys() {
        try (RedisConnection connection = a.connections.getConnection()) {
            return Stream.of(connection.keyCommands().keys("lever:code:*".getBytes(StandardCharsets.UTF_8)))
                    .flatMap(Set::stream)
                    .map(key -> new String(key, StandardCharsets.UTF_8))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static List<Path> leftovers(ControlPlane controlPlane) {
        Path service = controlPlane.archives.root().resolve("dev.lever");
        if (!Files.isDirectory(service)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(service)) {
            return files.filter(path -> path.getFileName().toString().startsWith(".tmp-"))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One control plane: its own Redis connection, store, code folder, deploys and FetchCode server. */
    final class ControlPlane implements AutoCloseable {
        final LettuceConnectionFactory connections;
        final RedisMetadataStore store;
        final CodeArchives archives;
        final DeployService deploys;
        final Server server;
        final ManagedChannel channel;

        ControlPlane(Path dataDir) throws IOException {
            connections = RedisConnections.connectionFactory((StoreLocation.Redis) StoreLocation.parse(redis.url()));
            store = RedisMetadataStore.open(connections, redis.url(), Clock.systemUTC());
            archives = new CodeArchives(dataDir.resolve("code"), new RedisCodeStore(connections, redis.url()));
            deploys = new DeployService(
                    store,
                    new ArchiveExtractor(new ArchiveLimits(16 << 20, 16 << 20, 100)),
                    new DeploySlots(2, Duration.ofSeconds(5)),
                    archives,
                    Clock.systemUTC(),
                    3);
            CodeStreaming streaming = new CodeStreaming(store, archives);
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(new RoutingGrpc.RoutingImplBase() {
                        @Override
                        public void fetchCode(FetchCodeRequest request, StreamObserver<CodeChunk> response) {
                            streaming.fetch("node-1", request, (ServerCallStreamObserver<CodeChunk>) response);
                        }
                    })
                    .build()
                    .start();
            channel = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                    .build();
        }

        Deployment deploy(String service) {
            byte[] upload = TarGz.create()
                    .file("lever.json", "{\"name\": \"" + service + "\", \"entry\": [\"./serve\"]}")
                    .file("serve", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                    .file("noise.bin", NOISE, 0644)
                    .build();
            return deploys.deploy("dev.lever", new ByteArrayInputStream(upload), "ci");
        }

        VersionRecord awaitVersion(String service, long version) {
            await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot()
                    .version("dev.lever", service, version)
                    .isPresent());
            return store.snapshot().version("dev.lever", service, version).orElseThrow();
        }

        byte[] fetch(String service, long version, String sha256) {
            Iterator<CodeChunk> chunks = RoutingGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .fetchCode(FetchCodeRequest.newBuilder()
                            .setEnvironment("dev.lever")
                            .setService(service)
                            .setVersion(version)
                            .setCodeSha256(sha256)
                            .build());
            ByteString received = ByteString.EMPTY;
            while (chunks.hasNext()) {
                received = received.concat(chunks.next().getData());
            }
            return received.toByteArray();
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow();
            server.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
            store.close();
            connections.destroy();
        }
    }
}
