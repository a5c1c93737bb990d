package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.api.TraceContext;
import io.leveros.client.LeverClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tracing (issue 17) through the real platform: a W3C {@code traceparent} sent to service A (over
 * HTTP as a header, over gRPC as metadata) reaches A's handler, and A's call to service B through
 * the SDK and the internal gateway reaches B with the same trace id, for each pair of runtimes. The
 * test services' {@code traceCall(b)} answers {@code {"own": <A's trace context>, "callee": <B's>}}
 * (system-tests/services/java and node, {@code traceContext} and {@code traceCall}).
 */
class TracingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

    private static LeverPlatform platform;

    @TempDir
    static Path temp;

    enum Runtime {
        JAVA("tracingJava"),
        NODE("tracingNode");

        final String service;

        Runtime(String service) {
            this.service = service;
        }
    }

    @BeforeAll
    static void deployBothRuntimes() {
        platform = LeverPlatform.start("tracing");
        Path java = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"tracingJava\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        Path node = TestServices.nodeTestServiceWith(temp, "{\"name\": \"tracingNode\", \"jsEntry\": \"server.js\"}");
        for (Path folder : List.of(java, node)) {
            LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        }
        for (Runtime runtime : Runtime.values()) {
            await(runtime.service + " is routed")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> traceCall(runtime, runtime, Map.of()).statusCode() == 200);
        }
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @ParameterizedTest(name = "{0} calls {1}")
    @CsvSource({"JAVA, JAVA", "JAVA, NODE", "NODE, JAVA", "NODE, NODE"})
    void oneTraceIdFromAToBOverHttp(Runtime a, Runtime b) {
        TraceContext sent = newTrace();
        HttpResponse<byte[]> response =
                traceCall(a, b, Map.of("traceparent", sent.traceparent(), "tracestate", sent.tracestate()));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertOneTrace(json(body(response)), sent);
    }

    @ParameterizedTest(name = "{0} calls {1}")
    @CsvSource({"JAVA, JAVA", "JAVA, NODE", "NODE, JAVA", "NODE, NODE"})
    void oneTraceIdFromAToBOverGrpc(Runtime a, Runtime b) {
        TraceContext sent = newTrace();
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            Object answer = client.service(a.service).withTrace(sent).invoke(Object.class, "traceCall", b.service);
            assertOneTrace(JSON.valueToTree(answer), sent);
        }
    }

    /**
     * Without a traceparent the call works as before, and neither A nor B has a context: this
     * platform exports no spans (no {@code --otlp-endpoint}), so the data plane starts no trace.
     */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void withoutATraceparentNeitherServiceHasATraceWhenTracingIsOff(Runtime a) {
        Runtime b = a == Runtime.JAVA ? Runtime.NODE : Runtime.JAVA;
        HttpResponse<byte[]> response = traceCall(a, b, Map.of());
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        JsonNode answer = json(body(response));
        assertThat(answer.path("own").path("traceId").asText(""))
                .as(answer.toString())
                .isEmpty();
        assertThat(answer.path("callee").path("traceId").asText(""))
                .as(answer.toString())
                .isEmpty();
    }

    /** An invalid traceparent is ignored (treated as absent), never an error. */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void anInvalidTraceparentIsIgnored(Runtime a) {
        String invalid = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
        HttpResponse<byte[]> response = traceCall(a, a, Map.of("traceparent", invalid, "tracestate", TRACESTATE));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        JsonNode answer = json(body(response));
        assertThat(answer.path("own").path("traceId").asText(""))
                .as("the invalid context is not passed on, and no trace is started: " + answer)
                .isEmpty();
        assertThat(answer.path("callee").path("traceId").asText(""))
                .as(answer.toString())
                .isEmpty();
    }

    private static void assertOneTrace(JsonNode answer, TraceContext sent) {
        assertThat(answer.path("own").path("traceId").asText())
                .as("A's trace id, in %s", answer)
                .isEqualTo(sent.traceId());
        assertThat(answer.path("callee").path("traceId").asText())
                .as("B's trace id, in %s", answer)
                .isEqualTo(sent.traceId());
        assertThat(TraceContext.parse(answer.path("callee").path("traceparent").asText()))
                .as("B's traceparent, in %s", answer)
                .isPresent();
        assertThat(answer.path("callee").path("tracestate").asText())
                .as("B's tracestate, in %s", answer)
                .contains("rojo=00f067aa0ba902b7");
    }

    /** A traceparent with a fresh random trace id and parent id, sampled. */
    private static TraceContext newTrace() {
        byte[] traceId = new byte[16];
        byte[] parentId = new byte[8];
        RANDOM.nextBytes(traceId);
        RANDOM.nextBytes(parentId);
        traceId[0] |= 1; // never all zeros
        parentId[0] |= 1;
        HexFormat hex = HexFormat.of();
        return new TraceContext("00-" + hex.formatHex(traceId) + "-" + hex.formatHex(parentId) + "-01", TRACESTATE);
    }

    private static HttpResponse<byte[]> traceCall(Runtime a, Runtime b, Map<String, String> headers) {
        return platform.post(
                "/" + a.service + "/traceCall",
                "application/json",
                ("[\"" + b.service + "\"]").getBytes(StandardCharsets.UTF_8),
                headers);
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        return TestServices.json(text);
    }
}
