package io.leveros.controlplane.api;

import io.leveros.proto.control.InstanceState;
import java.time.Instant;

/**
 * One instance of a service as the nodes report it.
 *
 * @param instanceId {@code null} for one that is still starting
 * @param state {@code starting}, {@code ready} (takes calls) or {@code draining} (its last calls
 *     finish, then it stops)
 * @param rssBytes resident memory, 0 when unknown
 */
record InstanceView(
        String node,
        long version,
        String instanceId,
        String state,
        Instant startedAt,
        long ageSeconds,
        int inFlight,
        long rssBytes) {

    static InstanceView of(String node, long version, InstanceState instance, long nowMs) {
        return new InstanceView(
                node,
                version,
                instance.getInstanceId(),
                instance.getState(),
                Instant.ofEpochMilli(instance.getStartedAtUnixMs()),
                Math.max(0, (nowMs - instance.getStartedAtUnixMs()) / 1000),
                instance.getInFlight(),
                instance.getRssBytes());
    }

    static InstanceView starting(String node, long version) {
        return new InstanceView(node, version, null, "starting", null, 0, 0, 0);
    }
}
