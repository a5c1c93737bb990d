package io.leveros.controlplane.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.List;

/**
 * A service in an environment.
 *
 * @param liveVersion the version new calls go to; {@code 0} while no version was committed yet
 * @param nextVersion the number the next deploy gets (numbers are never reused, even after a failed
 *     deploy)
 * @param startingVersion the version being started before it goes live (a deploy or rollback; docs/upgrades.md):
 *     nodes start its instances, which take no call until it replaces {@code liveVersion}; equal to
 *     {@code liveVersion} for a service's first version (live at once: nothing else can serve), {@code 0} when
 *     none is starting
 * @param failedVersion the last version that could not start and so never went live; {@code 0} when none
 * @param startFailure why {@code failedVersion} could not start (the instance's last output included);
 *     {@code null} when none
 * @param traffic a traffic split ({@code lever traffic}): each call goes to one of these versions with its
 *     share's chance, {@code liveVersion} among them; empty (and in records stored before it existed):
 *     every call goes to {@code liveVersion}
 */
public record ServiceRecord(
        String environment,
        String name,
        String description,
        @JsonProperty("private") boolean isPrivate,
        long liveVersion,
        long nextVersion,
        Instant createdAt,
        Instant updatedAt,
        // Absent from records stored before they existed: 0 then, not a refusal to load.
        @JsonSetter(nulls = Nulls.AS_EMPTY) long startingVersion,
        @JsonSetter(nulls = Nulls.AS_EMPTY) long failedVersion,
        String startFailure,
        List<TrafficShare> traffic) {

    public ServiceRecord {
        traffic = traffic == null ? List.of() : List.copyOf(traffic);
    }

    /** Whether a version was ever committed, i.e. whether the service is visible. */
    public boolean deployed() {
        return liveVersion > 0;
    }

    /** Whether {@code startingVersion} is being started to replace another live version. */
    public boolean replacing() {
        return startingVersion > 0 && startingVersion != liveVersion;
    }
}
