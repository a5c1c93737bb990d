package io.leveros.dataplane.tracing;

import io.leveros.dataplane.routing.ServiceRoute;
import java.net.URI;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The spans of the unary calls this data plane answers, exported with OTLP when an endpoint is
 * configured ({@code --otlp-endpoint}); {@link #OFF} otherwise, where a call's trace context is only
 * passed on and nothing else is done. Streams pass their context on but have no span (their
 * length is the client's choice, as in the metrics).
 */
public final class Tracer {
    public static final Tracer OFF = new Tracer(null);

    private final OtlpExporter exporter;

    private Tracer(OtlpExporter exporter) {
        this.exporter = exporter;
    }

    /** Spans sent to the OTLP/HTTP collector at {@code endpoint} (its {@code /v1/traces}), named after node {@code nodeId}. */
    public static Tracer exportingTo(URI endpoint, String nodeId) {
        return new Tracer(new OtlpExporter(endpoint, nodeId));
    }

    /**
     * The trace context to send on for a unary call that came with {@code incoming}: the same when
     * off; else this data plane's new span as the parent, in the caller's trace or a new one.
     */
    public TraceContext begin(TraceContext incoming) {
        if (exporter == null) {
            return incoming;
        }
        String spanId = id(8);
        return incoming.isPresent() ? incoming.withSpan(spanId) : TraceContext.newTrace(id(16), spanId);
    }

    /**
     * Ends the span {@link #begin} began for a call to {@code route}'s {@code method} that came in
     * through {@code ingress} and was answered {@code status} after {@code nanos}; allocates nothing
     * when there is no span.
     */
    public void end(TraceContext trace, String ingress, ServiceRoute route, String method, int status, long nanos) {
        if (exporter != null && trace.hasSpan()) {
            long endEpochNanos = System.currentTimeMillis() * 1_000_000L;
            exporter.add(new CallSpan(trace, ingress, route, method, status, endEpochNanos - nanos, endEpochNanos));
        }
    }

    /** Sends what is left and stops. */
    public void close() {
        if (exporter != null) {
            exporter.close();
        }
    }

    /** {@code bytes} random bytes in hex, not all zero. */
    private static String id(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (allZero(random));
        return HexFormat.of().formatHex(random);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
