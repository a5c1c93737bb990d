package io.leveros.dataplane.tracing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends finished spans to an OpenTelemetry collector with OTLP/HTTP in its JSON encoding ({@code POST
 * <endpoint>/v1/traces}), in batches of up to {@link #BATCH} spans at least every second, from one
 * thread of its own: the call path only offers a span to a bounded queue. When the queue is full
 * (the collector is slow or away) spans are dropped and counted, never waited for; a failed send is
 * logged at most once a minute.
 */
final class OtlpExporter {
    static final int QUEUE = 8192;
    static final int BATCH = 512;
    private static final System.Logger LOG = System.getLogger(OtlpExporter.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final URI traces;
    private final Map<String, Object> resource;
    private final BlockingQueue<CallSpan> queue = new ArrayBlockingQueue<>(QUEUE);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;
    private long loggedNanos = System.nanoTime() - LOG_EVERY_NANOS;

    OtlpExporter(URI endpoint, String nodeId) {
        String base = endpoint.toString();
        this.traces = URI.create((base.endsWith("/") ? base : base + "/") + "v1/traces");
        this.resource = Map.of(
                "attributes", List.of(attribute("service.name", "lever-data-plane"), attribute("host.name", nodeId)));
        this.sender = Thread.ofPlatform().daemon().name("lever-otlp-exporter").start(this::run);
    }

    void add(CallSpan span) {
        if (!queue.offer(span)) {
            dropped.incrementAndGet();
        }
    }

    /** Spans dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<CallSpan> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                CallSpan first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch, BATCH - batch.size()); // closing: send what is left
                closed = true;
            }
            if (!batch.isEmpty()) {
                send(batch);
                batch.clear();
            }
        }
    }

    private void send(List<CallSpan> batch) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(traces)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body(batch))))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                failed(batch.size(), "answered HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(batch.size(), e.toString());
        }
    }

    private void failed(int spans, String why) {
        dropped.addAndGet(spans);
        long now = System.nanoTime();
        if (now - loggedNanos >= LOG_EVERY_NANOS) {
            loggedNanos = now;
            LOG.log(
                    Level.WARNING,
                    "could not send {0} spans to {1}: {2} ({3} spans dropped so far; they are not retried)",
                    spans,
                    traces,
                    why,
                    dropped.get());
        }
    }

    /** An {@code ExportTraceServiceRequest} in OTLP's JSON encoding (ids in hex, times as strings). */
    private Map<String, Object> body(List<CallSpan> batch) {
        List<Map<String, Object>> spans = new ArrayList<>(batch.size());
        for (CallSpan span : batch) {
            spans.add(span(span));
        }
        return Map.of(
                "resourceSpans",
                List.of(Map.of(
                        "resource",
                        resource,
                        "scopeSpans",
                        List.of(Map.of("scope", Map.of("name", "io.leveros.dataplane"), "spans", spans)))));
    }

    static Map<String, Object> span(CallSpan span) {
        CallSpan.Call call = span.call();
        List<Map<String, Object>> attributes = new ArrayList<>(List.of(
                attribute("lever.ingress", call.ingress()),
                attribute("lever.environment", call.environment()),
                attribute("lever.service", call.service()),
                attribute("lever.version", Long.toString(call.version())),
                attribute("rpc.method", call.method()),
                Map.of(
                        "key",
                        "http.response.status_code",
                        "value",
                        Map.of("intValue", Integer.toString(span.status())))));
        return Map.of(
                "traceId", span.trace().traceId(),
                "spanId", span.trace().parentId(),
                "parentSpanId", span.trace().callerSpanId(),
                "name", call.service().isEmpty() ? "(unrouted)" : call.service() + "/" + call.method(),
                "kind", 2, // SERVER
                "startTimeUnixNano", Long.toString(span.startEpochNanos()),
                "endTimeUnixNano", Long.toString(span.endEpochNanos()),
                "attributes", attributes,
                "status", Map.of("code", span.status() >= 500 ? 2 : 0)); // ERROR or UNSET, as for server spans
    }

    private static Map<String, Object> attribute(String key, String value) {
        return Map.of("key", key, "value", Map.of("stringValue", value));
    }
}
