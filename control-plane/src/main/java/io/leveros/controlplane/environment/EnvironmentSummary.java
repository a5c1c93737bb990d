package io.leveros.controlplane.environment;

import io.leveros.controlplane.store.EnvironmentRecord;

/** An environment and how many deployed services it has. */
public record EnvironmentSummary(EnvironmentRecord environment, int serviceCount) {}
