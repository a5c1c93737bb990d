package io.leveros.controlplane.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leveros.controlplane.store.ServiceRecord;
import java.time.Instant;

/** A deployed service, as docs/contracts.md shows it. */
public record ServiceView(
        String environment,
        String name,
        String description,
        @JsonProperty("private") boolean isPrivate,
        long liveVersion,
        Instant createdAt,
        Instant updatedAt) {

    static ServiceView of(ServiceRecord service) {
        return new ServiceView(
                service.environment(),
                service.name(),
                service.description(),
                service.isPrivate(),
                service.liveVersion(),
                service.createdAt(),
                service.updatedAt());
    }
}
