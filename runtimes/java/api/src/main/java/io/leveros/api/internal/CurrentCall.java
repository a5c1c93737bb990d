package io.leveros.api.internal;

import io.leveros.api.TraceContext;

/**
 * The resource and trace context of the call the current thread is handling, set by the runtime
 * around each handler and read by {@link io.leveros.api.Lever#resource()} and {@link
 * TraceContext#current()} (and by the Lever client, which passes the trace context on).
 *
 * <p>For the runtime only: a service reads {@code Lever.resource()} and never calls this class. The
 * runtime calls {@link #enter} right before it invokes a handler and {@link #exit} in a {@code
 * finally} right after, on the handler's own thread, so a value never outlives its call even when a
 * thread serves many calls one after another.
 */
public final class CurrentCall {
    private static final ThreadLocal<String> RESOURCE = new ThreadLocal<>();
    private static final ThreadLocal<TraceContext> TRACE = new ThreadLocal<>();

    private CurrentCall() {}

    /** Marks the current thread as handling a call for {@code resource} ({@code ""}: no resource). */
    public static void enter(String resource) {
        enter(resource, null);
    }

    /**
     * Marks the current thread as handling a call for {@code resource} ({@code ""}: no resource)
     * whose caller sent {@code trace} ({@code null}: none).
     */
    public static void enter(String resource, TraceContext trace) {
        if (resource == null) {
            throw new IllegalArgumentException("resource: null (expected: \"\" for a call without a resource)");
        }
        if (resource.isEmpty()) {
            RESOURCE.remove();
        } else {
            RESOURCE.set(resource);
        }
        replaceTrace(trace);
    }

    /** Ends the call {@link #enter} began on the current thread. */
    public static void exit() {
        RESOURCE.remove();
        TRACE.remove();
    }

    /** The resource of the call the current thread handles; {@code ""} when none. */
    public static String resource() {
        String resource = RESOURCE.get();
        return resource == null ? "" : resource;
    }

    /** The trace context of the call the current thread handles; {@code null} when none. */
    public static TraceContext trace() {
        return TRACE.get();
    }

    /**
     * Makes {@code trace} ({@code null}: none) the current thread's trace context and answers the
     * previous one, for {@link TraceContext#wrap} to restore.
     */
    public static TraceContext replaceTrace(TraceContext trace) {
        TraceContext previous = TRACE.get();
        if (trace == null) {
            TRACE.remove();
        } else {
            TRACE.set(trace);
        }
        return previous;
    }
}
