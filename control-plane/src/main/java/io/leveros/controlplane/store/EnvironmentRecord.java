package io.leveros.controlplane.store;

import java.time.Instant;

/** An environment: a namespace of services, e.g. {@code dev.lever}. */
public record EnvironmentRecord(String name, Instant createdAt) {}
