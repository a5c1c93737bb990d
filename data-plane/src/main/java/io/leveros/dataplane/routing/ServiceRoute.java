package io.leveros.dataplane.routing;

import io.leveros.dataplane.peer.Peer;
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
        List<Peer> peers) {

    /** lever.json's default {@code maxInstanceLoad} (0 or less means this). */
    public static final double DEFAULT_MAX_INSTANCE_LOAD = 10;

    /** The default {@code idleTimeout}: 5 minutes. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000L;

    static ServiceRoute of(String environment, String service, ServiceVersion version, List<Peer> peers) {
        if (version == null) {
            return new ServiceRoute(
                    environment, service, null, null, false, DEFAULT_MAX_INSTANCE_LOAD, 0, 0, 0, List.of());
        }
        return new ServiceRoute(
                environment,
                service,
                poolKey(environment, service, version.getVersion()),
                version,
                version.getPrivate(),
                version.getMaxInstanceLoad() > 0 ? version.getMaxInstanceLoad() : DEFAULT_MAX_INSTANCE_LOAD,
                Math.max(0, version.getMinInstances()),
                Math.max(0, version.getMaxInstances()),
                version.getIdleTimeoutMs() > 0 ? version.getIdleTimeoutMs() : DEFAULT_IDLE_TIMEOUT_MS,
                List.copyOf(peers));
    }

    /** {@code env/service/version}. */
    public static String poolKey(String environment, String service, long version) {
        return environment + "/" + service + "/" + version;
    }

    /** Whether a version is live, i.e. calls can be served. */
    public boolean isLive() {
        return version != null;
    }

    public long versionNumber() {
        return version == null ? 0 : version.getVersion();
    }
}
