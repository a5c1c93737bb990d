package io.leveros.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the runtime was told to do, read once from the command line and the environment (see the
 * instance runtime contract in {@code docs/contracts.md}).
 *
 * @param className the service class ({@code javaEntry})
 * @param codeDir the service's code folder (the working directory)
 * @param host the address to bind ({@code LEVEROS_LISTEN_HOST}, default {@code 127.0.0.1})
 * @param port the port to serve on ({@code LEVEROS_PORT}, default 3837; 0 picks a free one)
 * @param drainTimeout how long in-flight calls may run after SIGTERM
 */
public record RuntimeConfig(String className, Path codeDir, String host, int port, Duration drainTimeout) {
    public static final String PORT = "LEVEROS_PORT";
    public static final String LISTEN_HOST = "LEVEROS_LISTEN_HOST";
    public static final int DEFAULT_PORT = 3837;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Reads the configuration.
     *
     * @throws StartFailure when the arguments or a variable are invalid
     */
    public static RuntimeConfig from(String[] args, Map<String, String> env, Path codeDir) {
        if (args.length != 1 || args[0].isBlank()) {
            throw new StartFailure("usage: java -cp '<runtime>/lib/*' io.leveros.runtime.JavaRuntimeMain <className>"
                    + " (got " + args.length + " arguments; expected: the service class, e.g. com.example.Hello)");
        }
        String host = env.getOrDefault(LISTEN_HOST, "");
        return new RuntimeConfig(
                args[0].strip(),
                codeDir,
                host.isBlank() ? "127.0.0.1" : host.strip(),
                parsePort(env.get(PORT)),
                DEFAULT_DRAIN_TIMEOUT);
    }

    private static int parsePort(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StartFailure(PORT + ": '" + text + "' (expected: a port number from 0 to 65535)");
    }
}
