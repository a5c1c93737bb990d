package io.leveros.dataplane.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Instance starts (cold starts) per environment, service and outcome, each series a histogram of
 * the time from launch to ready or to the failure ({@code lever_dataplane_instance_start_seconds}).
 */
public final class InstanceStarts {
    static final String NAME = "lever_dataplane_instance_start_seconds";

    /** By the series' labels. */
    private final Map<String, DurationHistogram> byLabels = new ConcurrentHashMap<>();

    /** An instance that became ready ({@code ready}) or failed to, {@code nanos} after its launch. */
    public void record(String environment, String service, boolean ready, long nanos) {
        String labels = PrometheusText.labels(
                "environment", environment, "service", service, "outcome", ready ? "ready" : "failed");
        byLabels.computeIfAbsent(labels, l -> new DurationHistogram()).record(nanos);
    }

    void write(PrometheusText text) {
        text.family(
                NAME,
                "histogram",
                "Instance starts on this node by outcome (ready, failed), and the time from launch to ready or"
                        + " to the failure.");
        byLabels.forEach((labels, histogram) -> histogram.write(text, NAME, labels));
    }
}
