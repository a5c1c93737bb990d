package io.leveros.dataplane.routing;

import io.leveros.dataplane.peer.Peer;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.ServiceVersion;
import java.util.List;

/**
 * The live version of one service, compiled from a snapshot: what new calls to {@code
 * environment/service} run on, and the scaling settings that go with it.
 *
 * @param poolKey {@code env/service/version}, the key of the instance pool that serves this
 *     version; built once here so the request path does not concatenate strings
 * @param version the version's definition, or {@code null} when the service has no live version
 * @param peers the other nodes that have ready instances of this version
 * @param targetInstances how many instances the autoscaler wants on this node, -1 while it has not
 *     decided (then calls start instances on demand)
 * @param targetSequence the report sequence the target's decision saw
 */
public record ServiceRoute(
        String environment,
        String service,
        String poolKey,
        ServiceVersion version,
        boolean isPrivate,
        double maxInstanceLoad,
        int minInstances,
        int maxInstances,
        long idleTimeoutMs,
        List<Peer> peers,
        int targetInstances,
        long targetSequence) {

    /** lever.json's default {@code maxInstanceLoad} (0 or less means this). */
    public static final double DEFAULT_MAX_INSTANCE_LOAD = 10;

    /** The default {@code idleTimeout}: 5 minutes. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000L;

    /** @param poolKey {@link #poolKey(String, String, long)} of the live version, or {@code null} without one */
    static ServiceRoute of(
            String environment,
            String service,
            String poolKey,
            ServiceVersion version,
            List<Peer> peers,
            ScalingTarget target) {
        if (version == null) {
            return new ServiceRoute(
                    environment, service, null, null, false, DEFAULT_MAX_INSTANCE_LOAD, 0, 0, 0, List.of(), -1, 0);
        }
        return new ServiceRoute(
                environment,
                service,
                poolKey,
                version,
                version.getPrivate(),
                version.getMaxInstanceLoad() > 0 ? version.getMaxInstanceLoad() : DEFAULT_MAX_INSTANCE_LOAD,
                Math.max(0, version.getMinInstances()),
                Math.max(0, version.getMaxInstances()),
                version.getIdleTimeoutMs() > 0 ? version.getIdleTimeoutMs() : DEFAULT_IDLE_TIMEOUT_MS,
                List.copyOf(peers),
                target == null ? -1 : target.getInstances(),
                target == null ? 0 : target.getReportSequence());
    }

    /** {@code env/service/version}. */
    public static String poolKey(String environment, String service, long version) {
        return environment + "/" + service + "/" + version;
    }

    /** Whether a version is live, i.e. calls can be served. */
    public boolean isLive() {
        return version != null;
    }

    /** lever.json's default {@code resourceIdleTimeout}: 3 minutes. */
    public static final long DEFAULT_RESOURCE_IDLE_TIMEOUT_MS = 3 * 60 * 1000L;

    /** How long a resource stays bound without a call (lever.json {@code resourceIdleTimeout}). */
    public long resourceIdleTimeoutMs() {
        long configured = version == null ? 0 : version.getResourceIdleTimeoutMs();
        return configured > 0 ? configured : DEFAULT_RESOURCE_IDLE_TIMEOUT_MS;
    }

    /** The most resources one instance holds (lever.json {@code maxResourcesPerInstance}); 0: no limit. */
    public int maxResourcesPerInstance() {
        return version == null ? 0 : Math.max(0, version.getMaxResourcesPerInstance());
    }

    /** lever.json's default {@code upgradeStreamGrace}: 5 minutes. */
    public static final long DEFAULT_UPGRADE_STREAM_GRACE_MS = 5 * 60 * 1000L;

    /** How long streams still open on this version run once another replaced it (lever.json {@code upgradeStreamGrace}). */
    public long upgradeStreamGraceMs() {
        long configured = version == null ? 0 : version.getUpgradeStreamGraceMs();
        return configured > 0 ? configured : DEFAULT_UPGRADE_STREAM_GRACE_MS;
    }

    public long versionNumber() {
        return version == null ? 0 : version.getVersion();
    }

    /** How log lines name the version: {@code lever://dev.lever/helloService v3}. */
    public String versionName() {
        return "lever://" + environment + "/" + service + " v" + versionNumber();
    }
}
