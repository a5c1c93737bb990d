package io.leveros.controlplane.api;

import io.leveros.controlplane.environment.EnvironmentSummary;
import java.time.Instant;

/** {@code {"name", "serviceCount", "createdAt"}}. */
public record EnvironmentView(String name, int serviceCount, Instant createdAt) {
    static EnvironmentView of(EnvironmentSummary summary) {
        return new EnvironmentView(
                summary.environment().name(),
                summary.serviceCount(),
                summary.environment().createdAt());
    }
}
