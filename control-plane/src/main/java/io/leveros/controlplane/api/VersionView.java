package io.leveros.controlplane.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.TrafficShare;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One version of a service, as docs/contracts.md shows it; {@code config} values redacted for callers
 * that may not see the environment's secrets.
 */
public record VersionView(
        String environment,
        String service,
        long version,
        boolean live,

        @Schema(
                description = "live (new calls run it; under a traffic split, every version with a share),"
                        + " starting (its instances start; it goes live once they are ready; a service's first"
                        + " version is live while it starts), failed (it could not start and never went live) or"
                        + " kept",
                allowableValues = {"live", "starting", "failed", "kept"})
        String state,

        @Schema(description = "why it could not start, with the instance's last output; null unless failed")
        String startFailure,

        @Schema(description = "its percent of the calls under a traffic split (lever traffic); 0 without one")
        int trafficPercent,

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

        @Schema(type = "object", description = "lever.json config; every value is \"<redacted>\" when configRedacted")
        JsonNode config,

        @Schema(description = "true when the caller's token may not see this environment's config values")
        boolean configRedacted,

        @Schema(description = "compressed size of the uploaded archive")
        long archiveBytes,

        @Schema(description = "files and links extracted") int files,

        @Schema(description = "how long a resource stays bound without a call; null means the default (3 minutes)")
        Long resourceIdleTimeoutMs,

        @Schema(description = "the most resources one instance holds; 0 means no limit")
        int maxResourcesPerInstance,

        @Schema(
                description =
                        "the name of the token that deployed it; null for versions deployed before it was recorded")
        String deployedBy) {

    private static final String REDACTED = "<redacted>";

    /** @param showConfig whether the caller may see the config values (else only their keys) */
    static VersionView of(VersionRecord version, ServiceRecord service, boolean showConfig) {
        boolean failed = version.version() == service.failedVersion();
        return new VersionView(
                version.environment(),
                version.service(),
                version.version(),
                version.version() == service.liveVersion(),
                state(version.version(), service),
                failed ? service.startFailure() : null,
                trafficPercent(version.version(), service),
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
                showConfig ? version.config() : redacted(version.config()),
                !showConfig,
                version.archiveBytes(),
                version.files(),
                version.resourceIdleTimeoutMs(),
                version.maxResourcesPerInstance(),
                version.deployedBy());
    }

    private static String state(long version, ServiceRecord service) {
        if (version == service.startingVersion()) {
            return "starting";
        }
        if (version == service.failedVersion()) {
            return "failed"; // a first version stays live (nothing else can serve) but failed all the same
        }
        if (version == service.liveVersion() || trafficPercent(version, service) > 0) {
            return "live";
        }
        return "kept";
    }

    private static int trafficPercent(long version, ServiceRecord service) {
        for (TrafficShare share : service.traffic()) {
            if (share.version() == version) {
                return share.percent();
            }
        }
        return 0;
    }

    private static JsonNode redacted(JsonNode config) {
        if (config == null) {
            return null;
        }
        ObjectNode redacted = JsonNodeFactory.instance.objectNode();
        for (String key : config.propertyNames()) {
            redacted.put(key, REDACTED);
        }
        return redacted;
    }
}
