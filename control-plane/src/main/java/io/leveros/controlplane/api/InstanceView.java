package io.leveros.controlplane.api;

import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceState;
import io.leveros.proto.control.ServingVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /** The same with its age left out (for comparing states that differ only by the passing time). */
    InstanceView withoutAge() {
        return new InstanceView(node, version, instanceId, state, startedAt, 0, inFlight, rssBytes);
    }

    /** The instances of {@code environment}'s services on every node, by service. */
    static Map<String, List<InstanceView>> byService(
            Collection<InstanceReport> reports, String environment, long nowMs) {
        Map<String, List<InstanceView>> instances = new TreeMap<>();
        for (InstanceReport report : reports) {
            for (ServingVersion serving : report.getServingList()) {
                if (!serving.getEnvironment().equals(environment)) {
                    continue;
                }
                List<InstanceView> ofService =
                        instances.computeIfAbsent(serving.getService(), service -> new ArrayList<>());
                for (InstanceState instance : serving.getInstancesList()) {
                    ofService.add(of(report.getNodeId(), serving.getVersion(), instance, nowMs));
                }
                for (int i = 0; i < serving.getStartingInstances(); i++) {
                    ofService.add(starting(report.getNodeId(), serving.getVersion()));
                }
            }
        }
        return instances;
    }
}
