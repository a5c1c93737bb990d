package io.leveros.dataplane.tracing;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.function.BiConsumer;

/**
 * The W3C trace context a call carries ({@code traceparent}, {@code tracestate}), taken from the
 * caller's HTTP headers or gRPC metadata and sent on to the instance, so that a call from service A
 * to service B (through the internal gateway) keeps one trace. A {@code traceparent} that is not
 * valid W3C ({@code 00-<32 hex>-<16 hex>-<2 hex>}, lowercase, ids not all zero) is ignored, as the
 * specification says; {@code tracestate} travels only with a valid {@code traceparent}.
 *
 * <p>When the data plane exports spans ({@link Tracer}), it begins one for the call: the context it
 * sends on names that span as the parent, and keeps the caller's span as {@code callerSpanId}.
 *
 * @param traceparent {@code ""} when the call has none
 * @param tracestate {@code ""} when the call has none
 * @param callerSpanId {@code null} when this data plane began no span for the call, else the
 *     caller's span id ({@code ""} when the call began a new trace here)
 */
public record TraceContext(String traceparent, String tracestate, String callerSpanId) {
    public static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
    public static final CharSequence TRACESTATE = HttpHeaders.createOptimized("tracestate");
    public static final TraceContext NONE = new TraceContext("", "", null);

    /** The limit the W3C specification sets for {@code tracestate} (32 members of up to 256 chars is its bound). */
    static final int MAX_TRACESTATE_LENGTH = 8192;

    /** The trace context of a request's headers (HTTP) or metadata (gRPC). */
    public static TraceContext of(MultiMap headers) {
        String traceparent = headers.get(TRACEPARENT);
        if (traceparent == null) {
            return NONE; // the usual case: one header lookup
        }
        return of(traceparent, headers.get(TRACESTATE));
    }

    /** The context of these header values, {@link #NONE} when {@code traceparent} is absent or invalid. */
    public static TraceContext of(String traceparent, String tracestate) {
        if (traceparent == null || !valid(traceparent)) {
            return NONE;
        }
        String state = tracestate == null || tracestate.length() > MAX_TRACESTATE_LENGTH ? "" : tracestate;
        return new TraceContext(traceparent, state, null);
    }

    public boolean isPresent() {
        return !traceparent.isEmpty();
    }

    /** The 32 hex digits that name the trace; {@code ""} when none. */
    public String traceId() {
        return isPresent() ? traceparent.substring(3, 35) : "";
    }

    /** The 16 hex digits of the span the receiver of this context is a child of; {@code ""} when none. */
    public String parentId() {
        return isPresent() ? traceparent.substring(36, 52) : "";
    }

    /** The trace flags (bit 0: sampled); 0 when none. */
    public int flags() {
        return isPresent() ? Integer.parseInt(traceparent.substring(53, 55), 16) : 0;
    }

    /** The same trace, sent on with this data plane's span {@code spanId} (16 hex digits) as the parent. */
    TraceContext withSpan(String spanId) {
        return new TraceContext(
                "00-" + traceId() + "-" + spanId + "-" + traceparent.substring(53, 55), tracestate, parentId());
    }

    /** A new trace {@code traceId} begun by this data plane's span {@code spanId}, sampled. */
    static TraceContext newTrace(String traceId, String spanId) {
        return new TraceContext("00-" + traceId + "-" + spanId + "-01", "", "");
    }

    /** Whether this data plane began a span for the call (then {@link #parentId()} is that span). */
    public boolean hasSpan() {
        return callerSpanId != null;
    }

    /** Sets {@code traceparent} and {@code tracestate} on a request to an instance or a peer node. */
    public void addTo(BiConsumer<CharSequence, CharSequence> header) {
        if (isPresent()) {
            header.accept(TRACEPARENT, traceparent);
            if (!tracestate.isEmpty()) {
                header.accept(TRACESTATE, tracestate);
            }
        }
    }

    /**
     * Version 00 as W3C trace-context level 1 writes it; a later version is read by its first four
     * fields, as the specification asks of readers.
     */
    static boolean valid(String traceparent) {
        int length = traceparent.length();
        if (length < 55
                || traceparent.charAt(2) != '-'
                || traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-') {
            return false;
        }
        boolean version00 = traceparent.charAt(0) == '0' && traceparent.charAt(1) == '0';
        boolean versionFf = traceparent.charAt(0) == 'f' && traceparent.charAt(1) == 'f';
        if (!hex(traceparent, 0, 2) || versionFf) {
            return false;
        }
        if (version00 ? length != 55 : length > 55 && traceparent.charAt(55) != '-') {
            return false;
        }
        return hex(traceparent, 3, 35)
                && hex(traceparent, 36, 52)
                && hex(traceparent, 53, 55)
                && !zeros(traceparent, 3, 35)
                && !zeros(traceparent, 36, 52);
    }

    private static boolean hex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
