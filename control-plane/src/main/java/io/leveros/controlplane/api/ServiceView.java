package io.leveros.controlplane.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.TrafficShare;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** A deployed service, as docs/contracts.md shows it. */
public record ServiceView(
        String environment,
        String name,
        String description,
        @JsonProperty("private") boolean isPrivate,
        long liveVersion,

        @Schema(
                description = "the version starting (a deploy or rollback); it replaces the live one once ready,"
                        + " and equals liveVersion while a service's first version starts; 0 when none")
        long startingVersion,

        @Schema(description = "the last version that could not start and never went live; 0 when none")
        long failedVersion,

        @Schema(description = "why failedVersion could not start, with the instance's last output; null when none")
        String startFailure,

        @Schema(
                description = "a traffic split (lever traffic): each call goes to one of these versions with its"
                        + " percent's chance; empty: every call goes to liveVersion")
        List<TrafficShare> traffic,

        Instant createdAt,
        Instant updatedAt) {

    static ServiceView of(ServiceRecord service) {
        return new ServiceView(
                service.environment(),
                service.name(),
                service.description(),
                service.isPrivate(),
                service.liveVersion(),
                service.startingVersion(),
                service.failedVersion(),
                service.startFailure(),
                service.traffic(),
                service.createdAt(),
                service.updatedAt());
    }
}
