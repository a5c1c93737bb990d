package io.leveros.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Requests refused for how the client behaved, not for what it asked: a body that did not arrive
 * in time ({@code lever_dataplane_client_refusals_total}, by ingress and reason).
 */
public final class ClientRefusals {
    static final String NAME = "lever.dataplane.client.refusals";

    public static final String BODY_TIMEOUT = "body_timeout";

    private final MeterRegistry registry;

    ClientRefusals(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String ingress, String reason) {
        Counter.builder(NAME)
                .description("Requests refused for the client's behaviour: a body not received in time (408).")
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
