package io.leveros.dataplane.instance;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to run for one instance. The runtime adds {@code LEVEROS_PORT} (and the listen host) itself,
 * since it is the one that knows which ports are free.
 *
 * @param command the argv, first element absolute or on the {@code PATH}
 * @param environment the environment variables of the runtime contract except the port
 * @param logPrefix what each captured output line starts with, e.g. {@code lever://dev.lever/hello v3}
 */
public record InstanceSpec(
        String instanceId,
        String environmentName,
        String service,
        long version,
        Path workingDir,
        List<String> command,
        Map<String, String> environment,
        int ramMb,
        String logPrefix) {

    public InstanceSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
