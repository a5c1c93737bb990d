package io.leveros.dataplane.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * Instance starts (cold starts) per environment, service and outcome, each series a histogram of
 * the time from launch to ready or to the failure ({@code lever_dataplane_instance_start_seconds}).
 */
public final class InstanceStarts {
    static final String NAME = "lever.dataplane.instance.start";

    private final MeterRegistry registry;

    InstanceStarts(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An instance that became ready ({@code ready}) or failed to, {@code nanos} after its launch. */
    public void record(String environment, String service, boolean ready, long nanos) {
        DurationBuckets.timer(
                        NAME,
                        "Instance starts on this node by outcome (ready, failed), and the time from launch to ready"
                                + " or to the failure.")
                .tags("environment", environment, "service", service, "outcome", ready ? "ready" : "failed")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
