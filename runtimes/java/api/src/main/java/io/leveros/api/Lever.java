package io.leveros.api;

import io.leveros.api.internal.CurrentCall;

/**
 * Who this service instance is, as the platform told it through its environment variables, and
 * which resource the call being handled is for ({@link #resource()}).
 *
 * <p>Each environment accessor reads its variable when called and answers {@code null} when it is
 * not set (for example when the class runs outside the platform, in a unit test).
 */
public final class Lever {
    /** The variables the platform sets on every instance (see the instance runtime contract). */
    public static final String ENVIRONMENT = "LEVEROS_ENVIRONMENT";

    public static final String SERVICE = "LEVEROS_SERVICE";
    public static final String INSTANCE_ID = "LEVEROS_INSTANCE_ID";
    public static final String CODE_VERSION = "LEVEROS_CODE_VERSION";
    public static final String CONFIG = "LEVEROS_CONFIG";
    public static final String INTERNAL_RPC_GATEWAY = "LEVEROS_INTERNAL_RPC_GATEWAY";

    private Lever() {}

    /** The environment this instance serves, e.g. {@code dev.lever}. */
    public static String environment() {
        return System.getenv(ENVIRONMENT);
    }

    /** The name of the service, as in its {@code lever.json}. */
    public static String service() {
        return System.getenv(SERVICE);
    }

    /** This instance's id, unique within the platform. */
    public static String instanceId() {
        return System.getenv(INSTANCE_ID);
    }

    /** The code version being served (1, 2, ... per deploy). */
    public static String codeVersion() {
        return System.getenv(CODE_VERSION);
    }

    /**
     * The {@code config} object of {@code lever.json} as JSON text; {@code "{}"} when there is none.
     */
    public static String configJson() {
        String config = System.getenv(CONFIG);
        return config == null || config.isBlank() ? "{}" : config;
    }

    /**
     * {@code host:port} of the local data plane's internal gateway, through which this service calls
     * other services (the Lever client uses it by default inside an instance).
     */
    public static String internalGateway() {
        return System.getenv(INTERNAL_RPC_GATEWAY);
    }

    /**
     * The resource of the call being handled: for {@code lever://env/svc/<resource>/method} (or
     * {@code POST /svc/<resource>/method}) everything between the service and the method, which may
     * contain {@code /}; {@code ""} for a plain call ({@code /svc/method}) and outside any call.
     *
     * <p>Valid on the thread that runs the method, for regular and streaming methods alike (a
     * streaming method runs on its own thread, which is the one that sees it). A thread the method
     * starts or hands work to does not see it: read it first and pass the value on. Every call to a
     * resource reaches the one instance holding that resource, which ran {@code newResource()}
     * (the call {@code NewResource}) before the first of them, and runs {@code closeResource()}
     * after the resource was idle for the service's {@code resourceIdleTimeout}:
     *
     * <pre>{@code
     * public class Counters {
     *     private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
     *
     *     public void newResource() { counts.put(Lever.resource(), new AtomicLong()); }
     *
     *     public long increment() { return counts.get(Lever.resource()).incrementAndGet(); }
     *
     *     public void closeResource() { counts.remove(Lever.resource()); }
     * }
     * }</pre>
     *
     * A client calls {@code client.resource("dev.lever", "counters", "page/home").invoke(Long.class,
     * "increment")}. The lifecycle methods take no parameters; see {@code docs/resources.md}.
     */
    public static String resource() {
        return CurrentCall.resource();
    }
}
