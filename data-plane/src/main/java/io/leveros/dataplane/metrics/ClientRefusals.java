package io.leveros.dataplane.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests refused for how the client behaved, not for what it asked: a body that did not arrive
 * in time ({@code lever_dataplane_client_refusals_total}, by ingress and reason).
 */
public final class ClientRefusals {
    static final String NAME = "lever_dataplane_client_refusals_total";

    public static final String BODY_TIMEOUT = "body_timeout";

    private final Map<String, LongAdder> byLabels = new ConcurrentHashMap<>();

    public void record(String ingress, String reason) {
        byLabels.computeIfAbsent(PrometheusText.labels("ingress", ingress, "reason", reason), l -> new LongAdder())
                .increment();
    }

    /** The count for one ingress and reason, for tests. */
    public long count(String ingress, String reason) {
        LongAdder count = byLabels.get(PrometheusText.labels("ingress", ingress, "reason", reason));
        return count == null ? 0 : count.sum();
    }

    void write(PrometheusText text) {
        text.family(NAME, "counter", "Requests refused for the client's behaviour: a body not received in time (408).");
        byLabels.forEach((labels, count) -> text.sample(NAME, labels, count.sum()));
    }
}
