package io.leveros.api;

import io.leveros.api.internal.CurrentCall;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The W3C trace context ({@code traceparent} and {@code tracestate}) of the call being handled, as
 * the caller sent it. The runtime records no spans (the data plane does, with {@code
 * --otlp-endpoint}): it carries the context so that a call from service A to service B keeps one
 * trace id, and the Lever client passes the current one on with every call it makes while a call
 * is being handled.
 *
 * <pre>{@code
 * public String checkout(String cart) {
 *     TraceContext.current().ifPresent(t -> log.info("trace {} from {}", t.traceId(), t.parentId()));
 *     return client.service("payments").invoke(String.class, "charge", cart); // same traceparent
 * }
 * }</pre>
 *
 * <p>{@link #current()} is valid on the thread that runs the method, for regular and streaming
 * methods alike, like {@link Lever#resource()}. To carry it to a thread the method starts or hands
 * work to, wrap the task: {@code executor.submit(TraceContext.wrap(() -> client...))}; or pass the
 * value and call through {@code endpoint.withTrace(trace)}.
 *
 * <p>A {@code traceparent} that is not the W3C form ({@code 00-<32 hex trace id>-<16 hex parent
 * id>-<2 hex flags>}, lowercase, neither id all zeros; a later version is read by these fields) is
 * ignored: the call is handled as one without a trace context, never refused.
 *
 * @param traceparent the header as received, e.g. {@code
 *     00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
 * @param tracestate the vendor list that came with it, {@code ""} when none
 */
public record TraceContext(String traceparent, String tracestate) {
    /** The header (HTTP) and metadata key (gRPC) names, lowercase as gRPC requires. */
    public static final String TRACEPARENT = "traceparent";

    public static final String TRACESTATE = "tracestate";

    private static final int LENGTH = 55; // "00-" + 32 + "-" + 16 + "-" + 2

    /**
     * @throws IllegalArgumentException when {@code traceparent} is not a valid version-00
     *     traceparent; use {@link #parse} to ignore such a value instead
     */
    public TraceContext {
        if (!isValid(traceparent)) {
            throw new IllegalArgumentException("traceparent: '" + traceparent
                    + "' (expected: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, lowercase, ids not all"
                    + " zeros)");
        }
        tracestate = tracestate == null || !isPrintableAscii(tracestate) ? "" : tracestate;
    }

    /**
     * The context of the call the current thread handles; empty outside a call, and in a call whose
     * caller sent no valid {@code traceparent}.
     */
    public static Optional<TraceContext> current() {
        return Optional.ofNullable(CurrentCall.trace());
    }

    /**
     * {@code traceparent} and {@code tracestate} as received (either may be {@code null}); empty when
     * the traceparent is missing or invalid. A later version than {@code 00} is read by its first four
     * fields, as the W3C specification asks of readers, and kept as version {@code 00} (the version
     * this code writes when it passes it on). A tracestate that is not printable ASCII is dropped.
     */
    public static Optional<TraceContext> parse(String traceparent, String tracestate) {
        String canonical = canonical(traceparent);
        return canonical == null ? Optional.empty() : Optional.of(new TraceContext(canonical, tracestate));
    }

    /** {@link #parse(String, String)} without a tracestate. */
    public static Optional<TraceContext> parse(String traceparent) {
        return parse(traceparent, null);
    }

    /** The 32 lowercase hex digits that name the whole trace. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** The 16 hex digits of the caller's span: the parent of whatever this call does. */
    public String parentId() {
        return traceparent.substring(36, 52);
    }

    /** The trace flags, 2 hex digits ({@code 01}: sampled). */
    public String flags() {
        return traceparent.substring(53, 55);
    }

    /** Whether the caller sampled this trace (flag bit 0). */
    public boolean sampled() {
        return (Character.digit(traceparent.charAt(54), 16) & 1) != 0;
    }

    /**
     * {@code task} made to run with the current thread's trace context as {@link #current()}, on
     * whatever thread runs it; {@code task} itself when there is none.
     */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        TraceContext trace = CurrentCall.trace();
        if (trace == null) {
            return task;
        }
        return () -> {
            TraceContext previous = CurrentCall.replaceTrace(trace);
            try {
                task.run();
            } finally {
                CurrentCall.replaceTrace(previous);
            }
        };
    }

    /** {@link #wrap(Runnable)} for a task with a result. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        TraceContext trace = CurrentCall.trace();
        if (trace == null) {
            return task;
        }
        return () -> {
            TraceContext previous = CurrentCall.replaceTrace(trace);
            try {
                return task.call();
            } finally {
                CurrentCall.replaceTrace(previous);
            }
        };
    }

    /** Whether {@code text} is a W3C version-00 traceparent (no regex: this runs on every call). */
    static boolean isValid(String text) {
        return text != null && canonical(text) == text; // a valid version-00 text is its own canonical form
    }

    /**
     * {@code text} as a version-00 traceparent: itself when it is one; for a later version (not
     * {@code ff}) whose first four fields are valid, {@code 00} and those fields; else {@code null}.
     */
    static String canonical(String text) {
        if (text == null
                || text.length() < LENGTH
                || text.charAt(2) != '-'
                || text.charAt(35) != '-'
                || text.charAt(52) != '-'
                || !isHex(text, 0, 2, false)
                || !isHex(text, 3, 35, true)
                || !isHex(text, 36, 52, true)
                || !isHex(text, 53, 55, false)) {
            return null;
        }
        boolean version00 = text.charAt(0) == '0' && text.charAt(1) == '0';
        if (version00) {
            return text.length() == LENGTH ? text : null;
        }
        if (text.startsWith("ff") || (text.length() > LENGTH && text.charAt(LENGTH) != '-')) {
            return null;
        }
        return "00" + text.substring(2, LENGTH);
    }

    /** Lowercase hex digits from {@code from} to {@code to}; with {@code nonZero}, not all {@code 0}. */
    private static boolean isHex(String text, int from, int to, boolean nonZero) {
        boolean zero = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
            zero &= c == '0';
        }
        return !(nonZero && zero);
    }

    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
