package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import io.leveros.client.LeverException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node-to-node forwarding: a second data plane joins the platform as another node; calls and
 * streams that reach it for a service whose instance runs on the first node are forwarded there
 * (its forwarding port) instead of starting an instance of their own, unary calls, gRPC and HTTP
 * streams alike, and the death of the instance on the far node still reaches the client promptly.
 */
class NodeForwardingIT {
    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static SecondNode second;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("forwarding");
        second = SecondNode.join(platform, "second");
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /** Deploys a copy of the Java test service as {@code name}, starts its instance on the first node. */
    private static String instanceOnFirstNode(String name) {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        String id = body(platform.postJson("/" + name + "/instanceId", "[]"));
        await("the second node learns that the first serves " + name)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> second.health().contains("\"dev.lever/" + name + "/"));
        return id;
    }

    @Test
    void aNodeJoinsWithItsCredentialAndIsCutOffWhenItIsRevoked() {
        try (SecondNode third = SecondNode.join(platform, "third")) {
            await("lever nodes lists the joined node")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> platform.lever("nodes").stdout().contains("third"));
            assertThat(platform.lever("nodes").stdout()).contains("local").contains("second");
            LeverPlatform.CliResult revoked = platform.lever("nodes", "revoke", "third");
            assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
            await("the revoked node is dropped: its reports are refused")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> !platform.lever("nodes").stdout().contains("third"));
            assertThat(third.logText()).contains("UNAUTHENTICATED");
        }
    }

    @Test
    void aCallToANodeWithoutAnInstanceIsServedByTheNodeThatHasOne() {
        String id = instanceOnFirstNode("forwardedService");
        for (int i = 0; i < 5; i++) {
            assertThat(body(post(second.httpPort(), "/forwardedService/instanceId", "[]")))
                    .isEqualTo(id);
        }
        assertThat(body(post(second.httpPort(), "/forwardedService/add", "[2, 3]")))
                .isEqualTo("5");
        // Only this service's: another test's version may have been placed on the second node.
        assertThat(second.instancePidsOf("forwardedService"))
                .as("instances of forwardedService started on the second node")
                .isEmpty();
    }

    @Test
    void streamsAreForwardedOverGrpcAndHttp() throws Exception {
        instanceOnFirstNode("forwardedStreams");
        try (LeverClient client = LeverClient.connect(second.httpAddress())) {
            ClientStream stream =
                    client.service("dev.lever", "forwardedStreams").invokeChan("ReqReplyStreamChan", "some test");
            for (String message : List.of("one", "two")) {
                stream.send(message);
                assertThat(stream.receive(String.class)).isEqualTo("some test:" + message + " received");
            }
            stream.close();
            assertThat(stream.iterator().hasNext())
                    .as("the stream ends after the client's side")
                    .isFalse();

            long total = 64L << 20;
            String[] hashes =
                    echoBytes(client.service("dev.lever", "forwardedStreams").invokeChan("echoChan"), total);
            assertThat(hashes[1]).as("SHA-256 of the 64 MiB that came back").isEqualTo(hashes[0]);
        }
        try (RawHttpStream stream = RawHttpStream.open(
                second.httpPort(), "/forwardedStreams/ReqReplyStreamChan", "application/json", "[\"over http\"]")) {
            stream.sendLine("\"three\"");
            assertThat(stream.readLine()).isEqualTo("\"over http:three received\"");
            stream.finish();
            assertThat(stream.readLine()).isNull();
            assertThat(stream.trailers()).doesNotContainKey("lever-error");
        }
        // Only this service's: another test's version may have been placed on the second node.
        assertThat(second.instancePidsOf("forwardedService"))
                .as("instances of forwardedService started on the second node")
                .isEmpty();
    }

    @Test
    void anInstanceKilledOnTheFarNodeEndsAForwardedStreamWithAnError() {
        String id = instanceOnFirstNode("forwardedKill").replace("\"", "");
        long pid = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + id).getFirst();
        try (LeverClient client = LeverClient.connect(second.httpAddress())) {
            ClientStream stream = client.service("dev.lever", "forwardedKill").invokeChan("echoChan");
            stream.send("alive");
            assertThat(stream.receive(String.class)).isEqualTo("alive");

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertThrows(LeverException.class, () -> stream.receive(String.class));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Sends {@code total} pseudo-random bytes in 64 KiB messages while reading the echo. */
    private static String[] echoBytes(ClientStream stream, long total) throws Exception {
        CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
            MessageDigest digest = sha256();
            SplittableRandom random = new SplittableRandom(7);
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += block.length) {
                random.nextBytes(block);
                digest.update(block);
                stream.send(block.clone());
            }
            stream.close();
            return HexFormat.of().formatHex(digest.digest());
        });
        MessageDigest received = sha256();
        long count = 0;
        for (ClientStream.Message message : stream) {
            received.update(message.bytes());
            count += message.bytes().length;
        }
        assertThat(count).isEqualTo(total);
        return new String[] {writer.get(1, TimeUnit.MINUTES), HexFormat.of().formatHex(received.digest())};
    }

    private static java.net.http.HttpResponse<byte[]> post(int port, String path, String json) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                    .header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(java.net.http.HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
