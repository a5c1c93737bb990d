package io.leveros.api.internal;

/**
 * The resource of the call the current thread is handling, set by the runtime around each handler
 * and read by {@link io.leveros.api.Lever#resource()}.
 *
 * <p>For the runtime only: a service reads {@code Lever.resource()} and never calls this class. The
 * runtime calls {@link #enter} right before it invokes a handler and {@link #exit} in a {@code
 * finally} right after, on the handler's own thread, so a value never outlives its call even when a
 * thread serves many calls one after another.
 */
public final class CurrentCall {
    private static final ThreadLocal<String> RESOURCE = new ThreadLocal<>();

    private CurrentCall() {}

    /** Marks the current thread as handling a call for {@code resource} ({@code ""}: no resource). */
    public static void enter(String resource) {
        if (resource == null) {
            throw new IllegalArgumentException("resource: null (expected: \"\" for a call without a resource)");
        }
        if (resource.isEmpty()) {
            RESOURCE.remove();
        } else {
            RESOURCE.set(resource);
        }
    }

    /** Ends the call {@link #enter} began on the current thread. */
    public static void exit() {
        RESOURCE.remove();
    }

    /** The resource of the call the current thread handles; {@code ""} when none. */
    public static String resource() {
        String resource = RESOURCE.get();
        return resource == null ? "" : resource;
    }
}
