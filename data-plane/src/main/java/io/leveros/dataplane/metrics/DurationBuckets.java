package io.leveros.dataplane.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The latency buckets of the data plane's timers, from a 1 ms call to a 60 s instance start: one
 * set for every duration histogram, so that the series of calls and starts can be compared and
 * aggregated. Prometheus sees them as {@code <name>_seconds_bucket{le="0.001"}} and so on.
 */
final class DurationBuckets {
    static final Duration[] BOUNDS = {
        Duration.ofMillis(1),
        Duration.ofNanos(2_500_000),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private DurationBuckets() {}

    /** A timer named {@code name} counting into these buckets. */
    static Timer.Builder timer(String name, String help) {
        return Timer.builder(name).description(help).serviceLevelObjectives(BOUNDS);
    }
}
