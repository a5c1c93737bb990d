package io.leveros.dataplane.tracing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.leveros.dataplane.routing.ServiceRoute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends finished spans to an OpenTelemetry collector with OTLP/HTTP in its JSON encoding ({@code POST
 * <endpoint>/v1/traces}), in batches of up to {@link #BATCH} spans, each sent at most {@link
 * #LINGER_NANOS} after its first span was taken, from one
 * thread of its own: the call path only offers a span to a bounded queue. When the queue is full
 * (the collector is slow or away) spans are dropped and counted, never waited for; a failed send is
 * logged at most once a minute.
 */
final class OtlpExporter {
    static final int QUEUE = 8192;
    static final int BATCH = 512;
    /** How long a batch waits for more spans after its first. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final System.Logger LOG = System.getLogger(OtlpExporter.class.getName());
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final URI traces;
    private final String nodeId;
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
        this.nodeId = nodeId;
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
                    fill(batch);
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

    /**
     * Adds spans until the batch is full or {@link #LINGER_NANOS} passed since its first: under load a
     * request carries hundreds of spans, not the handful queued while the last one was sent.
     */
    private void fill(List<CallSpan> batch) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER_NANOS;
        queue.drainTo(batch, BATCH - batch.size());
        while (batch.size() < BATCH && !closed) {
            long left = deadline - System.nanoTime();
            CallSpan next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, BATCH - batch.size());
        }
    }

    private void send(List<CallSpan> batch) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(traces)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body(batch)))
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
    private byte[] body(List<CallSpan> batch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + batch.size() * 600);
        try (JsonGenerator json = JSON_FACTORY.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeArrayFieldStart("resourceSpans");
            json.writeStartObject();
            json.writeObjectFieldStart("resource");
            json.writeArrayFieldStart("attributes");
            attribute(json, "service.name", "lever-data-plane");
            attribute(json, "host.name", nodeId);
            json.writeEndArray();
            json.writeEndObject();
            json.writeArrayFieldStart("scopeSpans");
            json.writeStartObject();
            json.writeObjectFieldStart("scope");
            json.writeStringField("name", "io.leveros.dataplane");
            json.writeEndObject();
            json.writeArrayFieldStart("spans");
            for (CallSpan span : batch) {
                span(json, span);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static void span(JsonGenerator json, CallSpan span) throws IOException {
        ServiceRoute route = span.route();
        json.writeStartObject();
        json.writeStringField("traceId", span.trace().traceId());
        json.writeStringField("spanId", span.trace().parentId());
        json.writeStringField("parentSpanId", span.trace().callerSpanId());
        json.writeStringField("name", route.service() + "/" + span.method());
        json.writeNumberField("kind", 2); // SERVER
        json.writeStringField("startTimeUnixNano", Long.toString(span.startEpochNanos()));
        json.writeStringField("endTimeUnixNano", Long.toString(span.endEpochNanos()));
        json.writeArrayFieldStart("attributes");
        attribute(json, "lever.ingress", span.ingress());
        attribute(json, "lever.environment", route.environment());
        attribute(json, "lever.service", route.service());
        attribute(json, "lever.version", Long.toString(route.versionNumber()));
        attribute(json, "rpc.method", span.method());
        json.writeStartObject();
        json.writeStringField("key", "http.response.status_code");
        json.writeObjectFieldStart("value");
        json.writeStringField("intValue", Integer.toString(span.status()));
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndArray();
        json.writeObjectFieldStart("status");
        json.writeNumberField("code", span.status() >= 500 ? 2 : 0); // ERROR or UNSET, as for server spans
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void attribute(JsonGenerator json, String key, String value) throws IOException {
        json.writeStartObject();
        json.writeStringField("key", key);
        json.writeObjectFieldStart("value");
        json.writeStringField("stringValue", value);
        json.writeEndObject();
        json.writeEndObject();
    }
}
