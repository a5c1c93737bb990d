package io.leveros.controlplane.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A service in an environment.
 *
 * @param liveVersion the version new calls go to; {@code 0} while no version was committed yet
 * @param nextVersion the number the next deploy gets (numbers are never reused, even after a failed
 *     deploy)
 */
public record ServiceRecord(
        String environment,
        String name,
        String description,
        @JsonProperty("private") boolean isPrivate,
        long liveVersion,
        long nextVersion,
        Instant createdAt,
        Instant updatedAt) {

    /** Whether a version was ever committed, i.e. whether the service is visible. */
    public boolean deployed() {
        return liveVersion > 0;
    }
}
