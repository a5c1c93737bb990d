package io.leveros.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.leveros.api.TraceContext;
import io.leveros.core.url.LeverUrl;
import java.lang.reflect.Type;

/**
 * A service (or one resource of it) in an environment; its methods are called by name.
 *
 * <pre>{@code
 * Endpoint hello = client.service("dev.lever", "helloService");
 * String greeting = hello.invoke(String.class, "sayHello", "world");
 * List<Integer> xs = numbers.invoke(new TypeReference<List<Integer>>() {}, "reversed", List.of(1, 2));
 * }</pre>
 */
public final class Endpoint {
    private final LeverClient client;
    private final String environment;
    private final String service;
    private final String resource;
    private final TraceContext trace;

    Endpoint(LeverClient client, String environment, String service, String resource) {
        this(client, environment, service, resource, null);
    }

    private Endpoint(LeverClient client, String environment, String service, String resource, TraceContext trace) {
        this.client = client;
        this.environment = environment;
        this.service = service;
        this.resource = resource;
        this.trace = trace;
    }

    /**
     * This endpoint with its calls carrying {@code trace} (W3C {@code traceparent}/{@code
     * tracestate}) instead of the trace context of the call the calling thread handles; {@code
     * null} goes back to that default.
     *
     * <pre>{@code
     * TraceContext trace = TraceContext.current().orElse(null); // on the handler's thread
     * executor.submit(() -> payments.withTrace(trace).invoke(String.class, "charge", cart));
     * }</pre>
     */
    public Endpoint withTrace(TraceContext trace) {
        return new Endpoint(client, environment, service, resource, trace);
    }

    /**
     * Calls {@code method} with {@code args} and answers its result as {@code type} ({@code
     * byte[].class} for a byte result, {@code Void.class} to ignore it).
     *
     * @throws RemoteException when the method raised an error
     * @throws LeverException when the platform could not complete the call
     */
    public <T> T invoke(Class<T> type, String method, Object... args) {
        return client.call(url(method), trace, client.codec().type(type), args);
    }

    /** Like {@link #invoke(Class, String, Object...)} for generic result types. */
    public <T> T invoke(TypeReference<T> type, String method, Object... args) {
        return client.call(url(method), trace, client.codec().type(type.getType()), args);
    }

    /** Like {@link #invoke(Class, String, Object...)} for a reflected type. */
    public <T> T invoke(Type type, String method, Object... args) {
        return client.call(url(method), trace, client.codec().type(type), args);
    }

    /**
     * Opens a streaming call to {@code method} (named {@code ...Chan}, {@code ..._chan} or {@code
     * chan}) with {@code args}, and waits until the service has accepted it.
     *
     * <pre>{@code
     * ClientStream stream = endpoint.invokeChan("ReqReplyStreamChan", "some test");
     * stream.send("hi");
     * String reply = stream.receive(String.class); // "some test:hi received"
     * stream.close();
     * }</pre>
     *
     * @throws LeverException when the platform refused the call (no such method, wrong arguments...)
     * @throws IllegalArgumentException when {@code method} is not a streaming method
     */
    public ClientStream invokeChan(String method, Object... args) {
        return client.openStream(url(method), trace, args);
    }

    /** The URL of {@code method} on this endpoint. */
    public LeverUrl url(String method) {
        if (method == null || method.isEmpty() || method.indexOf('/') >= 0) {
            throw new IllegalArgumentException("method name '" + method + "' (expected: a non-empty name without /)");
        }
        return new LeverUrl(environment, service, resource, method);
    }

    public String environment() {
        return environment;
    }

    public String service() {
        return service;
    }

    /** The resource, or {@code ""} for the service itself. */
    public String resource() {
        return resource;
    }

    @Override
    public String toString() {
        return "lever://" + environment + "/" + service + (resource.isEmpty() ? "" : "/" + resource);
    }
}
