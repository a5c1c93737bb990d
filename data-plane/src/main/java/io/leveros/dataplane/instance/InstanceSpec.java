package io.leveros.dataplane.instance;

import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.proto.control.ServiceVersion;
import java.util.Map;

/**
 * What to run for one instance. The runtime adds {@code LEVEROS_PORT} (and the listen host) itself,
 * since it is the one that knows which ports are free, and makes the command, since it is the one
 * that knows where the code and the runtimes are for the instance.
 *
 * @param version the version to run: its entry point and code archive
 * @param environment the environment variables of the runtime contract except the port
 * @param logPrefix what each captured output line starts with, e.g. {@code lever://dev.lever/hello v3}
 * @param background whether the instance starts at a low CPU priority: it belongs to a version starting
 *     beside the live one, which it must not slow down; {@link InstanceHandle#foreground()} ends it
 */
public record InstanceSpec(
        String instanceId,
        String environmentName,
        String service,
        ServiceVersion version,
        Map<String, String> environment,
        int ramMb,
        String logPrefix,
        boolean background) {

    public InstanceSpec {
        environment = Map.copyOf(environment);
    }

    /** {@code env/service/version}. */
    public String versionKey() {
        return ServiceRoute.poolKey(environmentName, service, version.getVersion());
    }
}
