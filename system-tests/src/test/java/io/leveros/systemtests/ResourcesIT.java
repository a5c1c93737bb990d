package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resources (docs/resources.md) through the real platform, in both runtimes: a call naming a
 * resource reaches the one instance that holds it, from every ingress and every node, with {@code
 * NewResource} before its first call and {@code CloseResource} after it idles; a killed holder or a
 * new version rebinds. The test services answer {@code whoHolds} (instance, resource as received,
 * whether it was opened) and {@code resourceEvents} (the instance's {@code new:}/{@code close:}
 * log).
 */
class ResourcesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path temp;

    static LeverPlatform platform;

    enum Runtime {
        JAVA,
        NODE;

        /** Deploys the runtime's test service as {@code name} with more lever.json fields. */
        void deploy(String name, String moreLeverJson) {
            String entry = this == JAVA
                    ? "\"javaEntry\": \"io.leveros.testservice.TestService\""
                    : "\"jsEntry\": \"server.js\"";
            String leverJson = "{\"name\": \"" + name + "\", " + entry + moreLeverJson + "}";
            Path folder = this == JAVA
                    ? TestServices.javaTestServiceWith(temp, leverJson)
                    : TestServices.nodeTestServiceWith(temp, leverJson);
            LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
            await(name + " is routed")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> post(platform.httpPort(), "/" + name + "/resourceEvents")
                                    .statusCode()
                            == 200);
        }

        String service(String what) {
            return what + (this == JAVA ? "Java" : "Node");
        }
    }

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("resources");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    static HttpResponse<String> post(int port, String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("[]"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code whoHolds} of {@code resource} (path-encoded per segment) through node {@code port}. */
    static JsonNode whoHolds(int port, String service, String resource) {
        StringBuilder path = new StringBuilder("/").append(service).append('/');
        for (String segment : resource.split("/", -1)) {
            path.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                    .append('/');
        }
        HttpResponse<String> response = post(port, path.append("whoHolds").toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    static JsonNode whoHolds(String service, String resource) {
        return whoHolds(platform.httpPort(), service, resource);
    }

    /** The {@code new:}/{@code close:} log of the instance that holds {@code resource}. */
    static List<String> eventsOfHolder(String service, String resource) {
        HttpResponse<String> response = post(platform.httpPort(), "/" + service + "/" + resource + "/resourceEvents");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        json(response.body()).get("events").forEach(event -> events.add(event.asText()));
        return events;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void oneResourceStaysOnOneInstanceOver100CallsWhileOthersSpread(Runtime runtime) {
        String service = runtime.service("sticky");
        runtime.deploy(service, ", \"minInstances\": 3");
        JsonNode first = whoHolds(service, "cart-1");
        assertThat(first.get("resource").asText()).isEqualTo("cart-1");
        assertThat(first.get("opened").asBoolean())
                .as("NewResource ran before the first call")
                .isTrue();
        String holder = first.get("instance").asText();
        for (int i = 0; i < 99; i++) {
            assertThat(whoHolds(service, "cart-1").get("instance").asText()).isEqualTo(holder);
        }
        await("three instances ready")
                .atMost(Duration.ofSeconds(30))
                .until(() -> platform.lever("instances", service)
                                .stdout()
                                .lines()
                                .filter(line -> line.contains("ready"))
                                .count()
                        >= 3);
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            spread.add(whoHolds(service, "cart-" + (i + 100)).get("instance").asText());
        }
        assertThat(spread).as("new resources go to the instance holding fewest").hasSize(3);
        assertThat(whoHolds(service, "cart-1").get("instance").asText()).isEqualTo(holder);
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void namesWithSlashesUnicodeAndOneKibibyteArriveIntact(Runtime runtime) {
        String service = runtime.service("names");
        runtime.deploy(service, "");
        for (String resource : List.of("orders/2026/12", "große Bücher ✓", "x".repeat(1024))) {
            JsonNode held = whoHolds(service, resource);
            assertThat(held.get("resource").asText()).isEqualTo(resource);
            assertThat(held.get("opened").asBoolean()).isTrue();
            assertThat(whoHolds(service, resource).get("instance").asText())
                    .isEqualTo(held.get("instance").asText());
        }
        HttpResponse<String> plain = post(platform.httpPort(), "/" + service + "//resourceEvents");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        json(plain.body()).get("events").forEach(event -> events.add(event.asText()));
        assertThat(events)
                .as("an empty resource is a plain call: nothing was bound for it")
                .isNotEmpty()
                .doesNotContain("new:");
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void anIdleResourceIsClosedThenOpenedAgainOnItsNextCall(Runtime runtime) {
        String service = runtime.service("idle");
        runtime.deploy(service, ", \"maxInstances\": 1, \"resourceIdleTimeout\": \"1s\"");
        assertThat(whoHolds(service, "session-7").get("opened").asBoolean()).isTrue();
        await("CloseResource after the idle timeout")
                .atMost(Duration.ofSeconds(15))
                .until(() -> eventsOfHolder(service, "observer").contains("close:session-7"));
        JsonNode again = whoHolds(service, "session-7");
        assertThat(again.get("opened").asBoolean()).isTrue();
        assertThat(eventsOfHolder(service, "session-7"))
                .containsSubsequence("new:session-7", "close:session-7", "new:session-7");
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void aKilledHolderIsReplacedAndTheNewOneOpensTheResourceFirst(Runtime runtime) {
        String service = runtime.service("killed");
        runtime.deploy(service, "");
        String holder = whoHolds(service, "survivor").get("instance").asText();
        long pid = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + holder).getFirst();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await("the resource is bound again on a new instance")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    HttpResponse<String> response = post(platform.httpPort(), "/" + service + "/survivor/whoHolds");
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    JsonNode held = json(response.body());
                    assertThat(held.get("instance").asText()).isNotEqualTo(holder);
                    assertThat(held.get("opened").asBoolean()).isTrue();
                });
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void aNewVersionBindsTheResourceAgain(Runtime runtime) {
        String service = runtime.service("upgraded");
        runtime.deploy(service, "");
        String before = whoHolds(service, "doc-1").get("instance").asText();
        runtime.deploy(service, ", \"description\": \"v2\"");
        await("the new version holds the resource")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    JsonNode held = whoHolds(service, "doc-1");
                    assertThat(held.get("instance").asText()).isNotEqualTo(before);
                    assertThat(held.get("opened").asBoolean()).isTrue();
                });
    }

    @Test
    void grpcHttpAndStreamsReachTheSameHolder() throws Exception {
        String service = Runtime.JAVA.service("ingress");
        Runtime.JAVA.deploy(service, ", \"minInstances\": 2");
        String holder = whoHolds(service, "board").get("instance").asText();
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            JsonNode overGrpc = client.resource("dev.lever", service, "board").invoke(JsonNode.class, "whoHolds");
            assertThat(overGrpc.get("instance").asText()).isEqualTo(holder);
            ClientStream stream = client.resource("dev.lever", service, "board").invokeChan("resourceChan");
            JsonNode hello = stream.receive(JsonNode.class);
            assertThat(hello.get("instance").asText()).isEqualTo(holder);
            assertThat(hello.get("resource").asText()).isEqualTo("board");
            stream.close();
        }
    }

    @Test
    void leverResourcesListsTheBindings() {
        String service = Runtime.NODE.service("listed");
        Runtime.NODE.deploy(service, "");
        String holder = whoHolds(service, "inventory/eu").get("instance").asText();
        await("the binding is listed with its instance")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    LeverPlatform.CliResult listed = platform.lever("resources", service);
                    assertThat(listed.exitCode()).as(listed.toString()).isZero();
                    assertThat(listed.stdout())
                            .contains("inventory/eu")
                            .contains(holder)
                            .contains("local");
                });
    }

    @Test
    void fiftySimultaneousFirstCallsThroughTwoNodesOpenTheResourceOnce() throws Exception {
        String service = Runtime.JAVA.service("contested");
        Runtime.JAVA.deploy(service, "");
        try (SecondNode second = SecondNode.join(platform, "second")) {
            await("the second node routes " + service)
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> post(second.httpPort(), "/" + service + "/resourceEvents")
                                    .statusCode()
                            == 200);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<JsonNode>> answers = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int port = i % 2 == 0 ? platform.httpPort() : second.httpPort();
                    answers.add(pool.submit(() -> {
                        go.await();
                        return whoHolds(port, service, "contested-key");
                    }));
                }
                go.countDown();
                Set<String> holders = new HashSet<>();
                for (Future<JsonNode> answer : answers) {
                    JsonNode held = answer.get();
                    assertThat(held.get("opened").asBoolean()).isTrue();
                    holders.add(held.get("instance").asText());
                }
                assertThat(holders).as("one instance holds the resource").hasSize(1);
                List<String> events = eventsOfHolder(service, "contested-key");
                assertThat(events.stream().filter("new:contested-key"::equals))
                        .as("NewResource ran once")
                        .hasSize(1);
                for (int i = 0; i < 10; i++) {
                    assertThat(whoHolds(second.httpPort(), service, "contested-key")
                                    .get("instance")
                                    .asText())
                            .isEqualTo(holders.iterator().next());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
