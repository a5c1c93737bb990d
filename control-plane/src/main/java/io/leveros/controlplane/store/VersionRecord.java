package io.leveros.controlplane.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One immutable deployed version of a service: every lever.json field plus what the deploy measured.
 *
 * @param idleTimeoutMs {@code null} for the platform default
 * @param scaleDownDelayMs {@code null} for the platform default (and in records stored before it
 *     existed)
 * @param config lever.json {@code config}, an object ({@code {}} when absent)
 * @param archiveBytes size of the uploaded (compressed) archive
 * @param files number of entries extracted
 * @param codeSha256 SHA-256 (hex) of the version's code archive, what nodes fetch; {@code null} in
 *     records stored before code distribution until the control plane packs them at start
 * @param codeBytes size of the code archive (0 where {@code codeSha256} is {@code null})
 * @param resourceIdleTimeoutMs lever.json {@code resourceIdleTimeout}; {@code null} for the default (3
 *     minutes, and in records stored before it existed)
 * @param maxResourcesPerInstance lever.json {@code maxResourcesPerInstance}; 0 for no limit (and in
 *     records stored before it existed)
 * @param deployedBy the name of the token that deployed it; {@code null} in records stored before it
 *     was recorded
 * @param upgradeStreamGraceMs lever.json {@code upgradeStreamGrace}; {@code null} for the default (5
 *     minutes, and in records stored before it existed)
 */
// codeDir: the absolute path of the code, in records stored before code distribution; the path
// follows from the version's name (io.leveros.controlplane.code.CodeArchives).
@JsonIgnoreProperties({"codeDir"})
public record VersionRecord(
        String environment,
        String service,
        long version,
        Instant deployedAt,
        String description,
        VersionEntry entry,
        @JsonProperty("private") boolean isPrivate,
        double maxInstanceLoad,
        int minInstances,
        int maxInstances,
        int ramMb,
        Long idleTimeoutMs,
        Long scaleDownDelayMs,
        JsonNode config,
        long archiveBytes,
        int files,
        Long resourceIdleTimeoutMs,
        // Absent from records stored before it existed: 0 then, not a refusal to load.
        @JsonSetter(nulls = Nulls.AS_EMPTY) int maxResourcesPerInstance,
        String codeSha256,
        @JsonSetter(nulls = Nulls.AS_EMPTY) long codeBytes,
        String deployedBy,
        Long upgradeStreamGraceMs) {

    /** This version with its code archive's hash and size. */
    public VersionRecord withCode(String sha256, long bytes) {
        return new VersionRecord(
                environment,
                service,
                version,
                deployedAt,
                description,
                entry,
                isPrivate,
                maxInstanceLoad,
                minInstances,
                maxInstances,
                ramMb,
                idleTimeoutMs,
                scaleDownDelayMs,
                config,
                archiveBytes,
                files,
                resourceIdleTimeoutMs,
                maxResourcesPerInstance,
                sha256,
                bytes,
                deployedBy,
                upgradeStreamGraceMs);
    }
}
