package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A data plane started with {@code --otlp-endpoint}: each unary call gets a span, in the caller's
 * trace or a new one, that the instance sees as its parent and that reaches the collector (here a
 * small HTTP server standing in for an OpenTelemetry collector's OTLP/HTTP JSON receiver).
 */
class SpanExportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";

    static HttpServer collector;
    static final List<JsonNode> exports = new CopyOnWriteArrayList<>();
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exports.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(
                controlPlane,
                "--otlp-endpoint",
                "http://127.0.0.1:" + collector.getAddress().getPort());
        controlPlane.push(snapshot(1, "dev.lever", service("hello", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready());
        http = new Http(dataPlane.port());
    }

    @AfterAll
    static void stop() throws Exception {
        dataPlane.close();
        controlPlane.close();
        collector.stop(0);
    }

    @Test
    void aCallInTheCallersTraceHasASpanTheInstanceSeesAsItsParent() throws Exception {
        JsonNode seen = callInTheCallersTrace("/hello/headers", "[]");
        String[] sent = seen.get("traceparent").asText().split("-");
        assertThat(sent[1]).as("the caller's trace").isEqualTo(CALLER_TRACE);
        assertThat(sent[2])
                .as("the data plane's span")
                .isNotEqualTo(CALLER_SPAN)
                .hasSize(16);
        assertThat(sent[3]).isEqualTo("01");

        JsonNode span = exportedSpan(sent[2]);
        assertThat(span.get("traceId").asText()).isEqualTo(CALLER_TRACE);
        assertThat(span.get("parentSpanId").asText()).isEqualTo(CALLER_SPAN);
        assertThat(span.get("name").asText()).isEqualTo("hello/headers");
        assertThat(span.get("kind").asInt()).isEqualTo(2);
        assertThat(Long.parseLong(span.get("endTimeUnixNano").asText()))
                .isGreaterThanOrEqualTo(
                        Long.parseLong(span.get("startTimeUnixNano").asText()));
        assertThat(attributes(span))
                .containsEntry("lever.service", "hello")
                .containsEntry("lever.environment", "dev.lever")
                .containsEntry("lever.version", "1")
                .containsEntry("lever.ingress", "public")
                .containsEntry("rpc.method", "headers")
                .containsEntry("http.response.status_code", "200");
    }

    @Test
    void aCallWithoutATraceBeginsOne() throws Exception {
        JsonNode seen = JSON.readTree(http.json("/hello/headers", "[]").body());
        String[] sent = seen.get("traceparent").asText().split("-");
        assertThat(sent[1]).hasSize(32).isNotEqualTo("0".repeat(32));
        JsonNode span = exportedSpan(sent[2]);
        assertThat(span.get("traceId").asText()).isEqualTo(sent[1]);
        assertThat(span.get("parentSpanId").asText()).as("a root span").isEmpty();
    }

    @Test
    void aFailedCallsSpanIsAnError() throws Exception {
        JsonNode seen = callInTheCallersTrace("/hello/fail", "[\"x\"]");
        assertThat(seen.toString()).contains("x");
        await().atMost(Duration.ofSeconds(10)).until(() -> spans().stream()
                .anyMatch(span -> span.get("name").asText().equals("hello/fail")
                        && span.at("/status/code").asInt() == 2));
    }

    /** The answer to a call that carries the caller's traceparent. */
    private static JsonNode callInTheCallersTrace(String path, String body) throws Exception {
        return JSON.readTree(http.post(
                        path,
                        "application/json",
                        body,
                        Map.of("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01"))
                .body());
    }

    private static JsonNode exportedSpan(String spanId) {
        await("the span " + spanId + " at the collector")
                .atMost(Duration.ofSeconds(10))
                .until(() -> spans().stream()
                        .anyMatch(span -> span.get("spanId").asText().equals(spanId)));
        return spans().stream()
                .filter(span -> span.get("spanId").asText().equals(spanId))
                .findFirst()
                .orElseThrow();
    }

    private static List<JsonNode> spans() {
        return exports.stream()
                .flatMap(export -> {
                    JsonNode resource = export.at("/resourceSpans/0/resource/attributes");
                    assertThat(resource.toString()).contains("lever-data-plane");
                    return java.util.stream.StreamSupport.stream(
                            export.at("/resourceSpans/0/scopeSpans/0/spans").spliterator(), false);
                })
                .toList();
    }

    private static Map<String, String> attributes(JsonNode span) {
        Map<String, String> attributes = new java.util.HashMap<>();
        for (JsonNode attribute : span.get("attributes")) {
            JsonNode value = attribute.get("value");
            attributes.put(
                    attribute.get("key").asText(),
                    value.has("stringValue")
                            ? value.get("stringValue").asText()
                            : value.get("intValue").asText());
        }
        return attributes;
    }
}
