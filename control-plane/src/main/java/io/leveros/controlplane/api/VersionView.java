package io.leveros.controlplane.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** One version of a service, as docs/contracts.md shows it. */
public record VersionView(
        String environment,
        String service,
        long version,
        boolean live,
        Instant deployedAt,
        String description,
        VersionEntry entry,
        @JsonProperty("private") boolean isPrivate,
        double maxInstanceLoad,
        int minInstances,
        @Schema(description = "0 means no limit") int maxInstances,

        @Schema(description = "memory limit of one instance, MB")
        int ram,

        @Schema(description = "null means the platform default")
        Long idleTimeoutMs,

        @Schema(description = "null means the platform default")
        Long scaleDownDelayMs,

        @Schema(type = "object", description = "lever.json config")
        JsonNode config,

        @Schema(description = "compressed size of the uploaded archive")
        long archiveBytes,

        @Schema(description = "files and links extracted") int files) {

    static VersionView of(VersionRecord version, long liveVersion) {
        return new VersionView(
                version.environment(),
                version.service(),
                version.version(),
                version.version() == liveVersion,
                version.deployedAt(),
                version.description(),
                version.entry(),
                version.isPrivate(),
                version.maxInstanceLoad(),
                version.minInstances(),
                version.maxInstances(),
                version.ramMb(),
                version.idleTimeoutMs(),
                version.scaleDownDelayMs(),
                version.config(),
                version.archiveBytes(),
                version.files());
    }
}
