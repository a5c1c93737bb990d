package io.leveros.controlplane.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code {"name": "staging.lever"}}. */
public record CreateEnvironmentRequest(
        @Schema(example = "staging.lever") String name) {}
