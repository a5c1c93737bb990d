package io.leveros.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Requests and connections refused for how the client behaved, not for what it asked: a body or
 * headers that did not arrive in time, too many connections, a request that does not parse, a
 * connection idle too long ({@code
 * lever_dataplane_client_refusals_total}, by ingress and reason).
 */
public final class ClientRefusals {
    static final String NAME = "lever.dataplane.client.refusals";

    public static final String BODY_TIMEOUT = "body_timeout";
    /** A request's headers not complete within {@code --header-timeout} (408, or closed if nothing came). */
    public static final String HEADER_TIMEOUT = "header_timeout";
    /** A connection over the port's {@code --max-connections} (503, or an HTTP/2 GOAWAY). */
    public static final String TOO_MANY_CONNECTIONS = "too_many_connections";
    /** A request line or headers longer than the data plane reads (414, 431). */
    public static final String TOO_LARGE_HEAD = "too_large_head";
    /** An HTTP/1.x request that does not parse (400). */
    public static final String MALFORMED_REQUEST = "malformed_request";
    /** A connection closed after its idle timeout (no byte either way for the stream idle timeout + 30 s). */
    public static final String IDLE_TIMEOUT = "idle_timeout";

    private final MeterRegistry registry;

    ClientRefusals(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String ingress, String reason) {
        Counter.builder(NAME)
                .description("Requests and connections refused for the client's behaviour: a body or headers not"
                        + " received in time (408), too many connections (503), a request that does not parse.")
                .tags("ingress", ingress, "reason", reason)
                .register(registry)
                .increment();
    }

    /** The count for one ingress and reason, for tests; reading makes no series. */
    public long count(String ingress, String reason) {
        Counter counter =
                registry.find(NAME).tags("ingress", ingress, "reason", reason).counter();
        return counter == null ? 0 : (long) counter.count();
    }
}
