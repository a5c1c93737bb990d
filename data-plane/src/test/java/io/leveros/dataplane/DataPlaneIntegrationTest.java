package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.metrics.CallMetricsTest;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data plane end to end at its seams: a fake control plane pushes routes, real instance
 * processes ({@code TestInstance}, started through a generic entry) serve the calls.
 */
class DataPlaneIntegrationTest {
    static final String ENV = "dev.lever";
    static final ObjectMapper JSON = new ObjectMapper();

    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;
    static Http http;
    static Http gateway;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--node-id", "test");
        http = new Http(dataPlane.port());
        gateway = new Http(dataPlane.gatewayPort());
        controlPlane.push(snapshot(1, "upgrade", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> dataPlane.routing().ready());
    }

    static RoutingSnapshot snapshot(long revision, String upgradeService, long upgradeVersion) {
        List<String> argv = testInstanceArgv();
        return RoutingSnapshot.newBuilder()
                .setRevision(revision)
                .setDefaultEnvironment(ENV)
                .addEnvironments(Environment.newBuilder()
                        .setName(ENV)
                        .addServices(service("hello", version(1, argv)))
                        .addServices(service("concurrent", version(1, argv)))
                        .addServices(service("pair", version(1, argv).setMinInstances(2)))
                        .addServices(service("secret", version(1, argv).setPrivate(true)))
                        .addServices(service("crashy", version(1, argv)))
                        .addServices(service("midcall", version(1, argv)))
                        .addServices(service("metered", version(1, argv)))
                        .addServices(service("refusing", version(1, argv)))
                        .addServices(service("broken", version(1, List.of("sh", "-c", "echo boom; exit 3"))))
                        .addServices(service(upgradeService, version(upgradeVersion, argv))))
                .addEnvironments(Environment.newBuilder()
                        .setName("staging.lever")
                        .addServices(service("hello", version(7, argv))))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
        }
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void healthReportsTheRoutingRevision() throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(http.uri("/_lever/health")).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("UP");
        assertThat(controlPlane.nodeIds()).contains("test");
    }

    @Test
    void firstRequestStartsAnInstanceAndSucceeds() throws Exception {
        HttpResponse<String> response = http.json("/hello/echo", "[\"world\", 42, {\"a\": [true, null]}]");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).isEqualTo(JSON.readTree("[\"world\", 42, {\"a\": [true, null]}]"));
    }

    @Test
    void concurrentFirstRequestsStartOneInstance() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(http.postAsync("/concurrent/id", "application/json", "[]".getBytes(StandardCharsets.UTF_8)));
        }
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(json(response).asText());
        }
        assertThat(ids).hasSize(1);
        assertThat(dataPlane.activator().readyInstances(ENV + "/concurrent/1")).hasSize(1);
    }

    /**
     * A stream over HTTP that its instance refuses unprocessed once the arguments came (an instance
     * shutting down), reset with {@code REFUSED_STREAM} or past the last stream of its GOAWAY, is opened
     * on another instance: the client sees nothing of it but the time a new instance takes to start.
     *
     * @param refusal the test instance's method that makes it refuse its next stream so
     */
    @ParameterizedTest
    @ValueSource(strings = {"refuseNextStream", "goAwayBeforeNextStream"})
    void anHttpStreamItsInstanceRefusesGoesToAnother(String refusal) throws Exception {
        assertThat(http.json("/refusing/" + refusal, "[]").statusCode()).isEqualTo(200);

        HttpResponse<String> response = http.json("/refusing/protocolChan", "[\"args\"]\n{\"n\": 1}\n[2]\n");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"n\":1}\n[2]\n");
    }

    /**
     * The same over WebSocket, which goes through the same bridge: a stream past the last stream of its
     * instance's GOAWAY is opened on another instance, and ends as the method returns (1000).
     */
    @Test
    void aWebSocketStreamPastItsInstancesGoAwayGoesToAnother() throws Exception {
        assertThat(http.json("/refusing/goAwayBeforeNextStream", "[]").statusCode())
                .isEqualTo(200);
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + dataPlane.port() + "/refusing/protocolChan"), listener)
                .get(10, TimeUnit.SECONDS);
        try {
            for (String message : List.of("[\"args\"]", "{\"n\": 1}", "")) { // the empty one half-closes
                socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            }

            assertThat(closed.get(30, TimeUnit.SECONDS))
                    .as("close code, after " + received)
                    .isEqualTo(1000);
            assertThat(received).containsExactly("{\"n\":1}");
        } finally {
            socket.abort();
        }
    }

    /**
     * A stream its instance took (it is within its GOAWAY) may have been processed: when the instance
     * then exits without answering it, the stream fails and is not opened again.
     */
    @Test
    void anHttpStreamItsInstanceTookBeforeExitingFails() throws Exception {
        assertThat(http.json("/refusing/takeNextStreamThenExit", "[]").statusCode())
                .isEqualTo(200);

        HttpResponse<String> response = http.json("/refusing/protocolChan", "[\"args\"]\n{\"n\": 1}\n");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(response.body()).contains("INSTANCE_FAILED");
    }

    @Test
    void bytesInBytesOut() throws Exception {
        HttpResponse<String> response = http.post("/hello/echo", "text/plain", "raw bytes".getBytes());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(response.body()).isEqualTo("raw bytes");
        HttpResponse<String> noType = http.post("/hello/echo", null, "x".getBytes());
        assertThat(noType.body()).isEqualTo("x");
    }

    @Test
    void serviceErrorsAre500WithTheErrorValue() throws Exception {
        HttpResponse<String> json = http.json("/hello/fail", "[\"some test\"]");
        assertThat(json.statusCode()).isEqualTo(500);
        assertThat(json.headers().firstValue("Lever-Error")).hasValue("service");
        assertThat(json.body()).isEqualTo("\"error sent: some test\"");
        HttpResponse<String> bytes = http.json("/hello/byteFail", "[]");
        assertThat(bytes.statusCode()).isEqualTo(500);
        assertThat(bytes.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(bytes.body()).isEqualTo("byte error");
    }

    @Test
    void instanceStatusesBecomePlatformErrors() throws Exception {
        HttpResponse<String> unknown = http.json("/hello/nope", "[]");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Lever-Error")).hasValue("platform");
        assertThat(json(unknown).get("code").asText()).isEqualTo("METHOD_NOT_FOUND");
        assertThat(json(unknown).get("message").asText()).contains("method 'nope' not found");
        HttpResponse<String> badArgs = http.json("/hello/badArgs", "[]");
        assertThat(badArgs.statusCode()).isEqualTo(400);
        assertThat(json(badArgs).get("code").asText()).isEqualTo("INVALID_ARGUMENTS");
    }

    @Test
    void unknownEnvironmentAndServiceAre404() throws Exception {
        HttpResponse<String> env = http.json("/hello/echo?forceenv=nowhere.lever", "[]");
        assertThat(env.statusCode()).isEqualTo(404);
        assertThat(json(env).get("code").asText()).isEqualTo("ENVIRONMENT_NOT_FOUND");
        assertThat(json(env).get("message").asText()).contains("nowhere.lever");
        HttpResponse<String> service = http.json("/nothing/echo", "[]");
        assertThat(service.statusCode()).isEqualTo(404);
        assertThat(json(service).get("code").asText()).isEqualTo("SERVICE_NOT_FOUND");
        assertThat(json(service).get("message").asText()).contains("lever services");
    }

    @Test
    void forceenvAndHostPickTheEnvironment() throws Exception {
        HttpResponse<String> forced = http.json("/hello/env?forceenv=staging.lever", "[]");
        assertThat(json(forced).get("LEVEROS_ENVIRONMENT").asText()).isEqualTo("staging.lever");
        assertThat(json(forced).get("LEVEROS_CODE_VERSION").asText()).isEqualTo("7");
        HttpResponse<String> byDefault = http.json("/hello/env", "[]");
        assertThat(json(byDefault).get("LEVEROS_ENVIRONMENT").asText()).isEqualTo(ENV);
    }

    @Test
    void instancesGetTheRuntimeContractEnvironment() throws Exception {
        JsonNode env = json(http.json("/hello/env", "[]"));
        assertThat(env.get("LEVEROS_SERVICE").asText()).isEqualTo("hello");
        assertThat(env.get("LEVEROS_LISTEN_HOST").asText()).isEqualTo("127.0.0.1");
        assertThat(env.get("LEVEROS_PORT").asInt()).isPositive();
        assertThat(env.get("LEVEROS_INTERNAL_RPC_GATEWAY").asText()).isEqualTo("127.0.0.1:" + dataPlane.gatewayPort());
        assertThat(env.get("LEVEROS_CONFIG").asText()).isEqualTo("{\"greeting\":\"hi\"}");
        assertThat(env.get("LEVEROS_RAM_MB").asText()).isEqualTo("128");
        assertThat(env.get("LEVEROS_INSTANCE_TOKEN").asText()).hasSizeGreaterThan(20);
        JsonNode headers = json(http.json("/hello/headers", "[]"));
        assertThat(headers.get("lever-url").asText()).isEqualTo("lever://dev.lever/hello//headers");
        assertThat(headers.get("gateway").asText()).isEqualTo("127.0.0.1:" + dataPlane.gatewayPort());
    }

    @Test
    void theCallersTraceContextReachesTheInstanceWhetherItCallsInOrThroughTheGateway() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Map<String, String> trace = new HashMap<>(instanceToken());
        trace.put("traceparent", traceparent);
        trace.put("tracestate", "lever=a1,other=b2");
        for (Http way : List.of(http, gateway)) {
            JsonNode headers = json(way.post("/hello/headers", "application/json", "[]", trace));
            assertThat(headers.get("traceparent").asText()).isEqualTo(traceparent);
            assertThat(headers.get("tracestate").asText()).isEqualTo("lever=a1,other=b2");
        }
        JsonNode none = json(http.json("/hello/headers", "[]"));
        assertThat(none.get("traceparent").isNull())
                .as("no trace context: none sent")
                .isTrue();
        JsonNode invalid = json(http.post(
                "/hello/headers",
                "application/json",
                "[]",
                Map.of("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "tracestate", "a=b")));
        assertThat(invalid.get("traceparent").isNull())
                .as("an invalid traceparent is dropped")
                .isTrue();
        assertThat(invalid.get("tracestate").isNull())
                .as("and its tracestate with it")
                .isTrue();
    }

    @Test
    void bodiesOf512KiBOrMoreAre413() throws Exception {
        HttpResponse<String> response = http.post("/hello/echo", "text/plain", new byte[512 * 1024]);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        HttpResponse<String> justUnder = http.post("/hello/echo", "text/plain", new byte[512 * 1024 - 1]);
        assertThat(justUnder.statusCode()).as(justUnder.body()).isEqualTo(200);
    }

    @Test
    void malformedJsonAndFormBodiesAre400() throws Exception {
        HttpResponse<String> notArray = http.json("/hello/echo", "{\"a\": 1}");
        assertThat(notArray.statusCode()).isEqualTo(400);
        assertThat(json(notArray).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
        assertThat(json(notArray).get("message").asText()).contains("expected a JSON array");
        HttpResponse<String> form = http.post("/hello/echo", "application/x-www-form-urlencoded", "a=1".getBytes());
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(json(form).get("code").asText()).isEqualTo("UNSUPPORTED_CONTENT_TYPE");
    }

    @Test
    void hostileNestingIs400NotA500() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        HttpResponse<String> refused = http.json("/hello/echo", deep);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(json(refused).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
        assertThat(json(refused).get("message").asText())
                .contains("nested more than " + JsonValues.MAX_DEPTH + " levels deep");
        // Objects at the limit still fit the instance's protobuf parser (3 nested messages per level).
        int objects = JsonValues.MAX_DEPTH - 1;
        String atTheLimit = "[" + "{\"a\":".repeat(objects) + "1" + "}".repeat(objects) + "]";
        HttpResponse<String> echoed = http.json("/hello/echo", atTheLimit);
        assertThat(echoed.statusCode()).as(echoed.body()).isEqualTo(200);
    }

    @Test
    void otherMethodsAre405AndOptionsAnswersCors() throws Exception {
        HttpResponse<String> get =
                http.send(HttpRequest.newBuilder(http.uri("/hello/echo")).GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(json(get).get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        HttpResponse<String> options = http.send(HttpRequest.newBuilder(http.uri("/hello/echo"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.com"));
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, OPTIONS");
        assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://example.com");
    }

    @Test
    void privateServicesOnlyThroughTheGateway() throws Exception {
        HttpResponse<String> outside = http.json("/secret/id", "[]");
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(json(outside).get("code").asText()).isEqualTo("PRIVATE_SERVICE");
        HttpResponse<String> inside = gateway.post("/secret/id", "application/json", "[]", instanceToken());
        assertThat(inside.statusCode()).isEqualTo(200);
    }

    @Test
    void theGatewayRefusesCallersWithoutARunningInstanceTokenAndOtherEnvironments() throws Exception {
        HttpResponse<String> noToken = gateway.json("/secret/id", "[]");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(json(noToken).get("code").asText()).isEqualTo("UNAUTHENTICATED");
        HttpResponse<String> forged =
                gateway.post("/secret/id", "application/json", "[]", Map.of("lever-instance-token", "f".repeat(48)));
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> forced =
                gateway.post("/secret/id?forceenv=staging.lever", "application/json", "[]", instanceToken());
        assertThat(forced.statusCode()).isEqualTo(403);
        assertThat(json(forced).get("code").asText()).isEqualTo("OTHER_ENVIRONMENT");
    }

    /** The token of a running instance of dev.lever, as the instance reads it from its environment. */
    private static Map<String, String> instanceToken() throws Exception {
        String token = json(http.json("/hello/env", "[]"))
                .get("LEVEROS_INSTANCE_TOKEN")
                .asText();
        return Map.of("lever-instance-token", token);
    }

    @Test
    void metricsCountCallsStartsAndInstances() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(http.json("/metered/echo", "[1]").statusCode()).isEqualTo(200);
        }
        assertThat(http.json("/metered/fail", "[\"x\"]").statusCode()).isEqualTo(500);
        assertThat(gateway.post("/metered/echo", "application/json", "[2]", instanceToken())
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.json("/broken/echo", "[]").statusCode()).isEqualTo(503);
        assertThat(http.json("/no-such-service/echo", "[]").statusCode()).isEqualTo(404);

        HttpResponse<String> scrape =
                http.send(HttpRequest.newBuilder(http.uri("/_lever/metrics")).GET());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, String> samples = CallMetricsTest.parse(scrape.body());
        String metered = "environment=\"dev.lever\",service=\"metered\"";
        assertThat(samples)
                .containsEntry(call("public", "metered", "1", "echo", 200), "3")
                .containsEntry(call("public", "metered", "1", "fail", 500), "1")
                .containsEntry(call("internal", "metered", "1", "echo", 200), "1")
                .containsEntry(
                        "lever_dataplane_instance_start_seconds_count{environment=\"dev.lever\",outcome=\"ready\",service=\"metered\"}",
                        "1")
                .containsEntry("lever_dataplane_instances{" + metered + ",state=\"ready\",version=\"1\"}", "1.0")
                .containsEntry("lever_dataplane_instances{" + metered + ",state=\"starting\",version=\"1\"}", "0.0")
                .containsEntry("lever_dataplane_calls_in_flight{" + metered + ",version=\"1\"}", "0.0")
                .containsEntry("lever_dataplane_queued_calls{" + metered + ",version=\"1\"}", "0.0");
        assertThat(Long.parseLong(samples.get(call("public", "broken", "1", "echo", 503))))
                .isPositive();
        assertThat(Long.parseLong(samples.get(
                        "lever_dataplane_instance_start_seconds_count{environment=\"dev.lever\",outcome=\"failed\","
                                + "service=\"broken\"}")))
                .isPositive();
        assertThat(Long.parseLong(samples.get(call("public", "", "", "", 404)))).isPositive();
    }

    @Test
    void aStartFailureIs503WithTheInstanceOutput() throws Exception {
        HttpResponse<String> response = http.json("/broken/echo", "[]");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("NO_INSTANCE");
        assertThat(json(response).get("message").asText())
                .contains("exited with code 3")
                .contains("boom");
    }

    @Test
    void aCrashedInstanceIsReplacedOnTheNextRequest() throws Exception {
        long pid = json(http.json("/crashy/pid", "[]")).asLong();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        dataPlane.activator().readyInstances(ENV + "/crashy/1").isEmpty());
        HttpResponse<String> next = http.json("/crashy/pid", "[]");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(json(next).asLong()).isNotEqualTo(pid);
    }

    @Test
    void aCrashMidCallIs502() throws Exception {
        http.json("/midcall/id", "[]");
        HttpResponse<String> response = http.json("/midcall/crash", "[]");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(json(response).get("code").asText()).isEqualTo("INSTANCE_FAILED");
    }

    @Test
    void minInstancesTwoShareTheLoad() throws Exception {
        Set<String> ids = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ids.add(json(http.json("/pair/id", "[]")).asText());
            return ids.size() == 2;
        });
        assertThat(dataPlane.activator().readyInstances(ENV + "/pair/1")).hasSize(2);
    }

    @Test
    void aNewLiveVersionTakesNewCallsAndTheOldInstancesStop() throws Exception {
        JsonNode before = json(http.json("/upgrade/env", "[]"));
        assertThat(before.get("LEVEROS_CODE_VERSION").asText()).isEqualTo("1");
        long oldPid = json(http.json("/upgrade/pid", "[]")).asLong();
        controlPlane.push(snapshot(2, "upgrade", 2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dataPlane.routing().table().revision() == 2);
        JsonNode after = json(http.json("/upgrade/env", "[]"));
        assertThat(after.get("LEVEROS_CODE_VERSION").asText()).isEqualTo("2");
        await().atMost(Duration.ofSeconds(15))
                .until(() -> ProcessHandle.of(oldPid).map(p -> !p.isAlive()).orElse(true));
    }

    /** A call count series as the scrape writes it (labels sorted by name). */
    private static String call(String ingress, String service, String version, String method, int status) {
        return CallMetricsTest.call("count", ingress, service, version, method, status);
    }
}
