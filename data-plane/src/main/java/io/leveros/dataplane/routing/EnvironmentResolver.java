package io.leveros.dataplane.routing;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;

/**
 * Picks the environment of a call. Over HTTP: {@code ?forceenv=}, else the {@code Host} header
 * when it (with or without its port) names an environment, else the table's default environment.
 * For a Lever URL: the URL's environment, else the default. A call through the internal gateway is
 * in its calling instance's environment, always: naming another one is refused.
 */
public final class EnvironmentResolver {
    private EnvironmentResolver() {}

    /**
     * @param forceEnv the {@code forceenv} query parameter, or {@code null}
     * @param host the {@code Host} header (or HTTP/2 authority), or {@code null}
     * @param callerEnv the calling instance's environment (internal gateway), or {@code null}
     */
    public static String forHttp(RoutingTable table, String forceEnv, String host, String callerEnv) {
        if (forceEnv != null && !forceEnv.isEmpty()) {
            return chosen(table, existing(table, forceEnv, "?forceenv="), "?forceenv=", callerEnv);
        }
        if (host != null && !host.isEmpty()) {
            if (table.hasEnvironment(host)) {
                return chosen(table, host, "the Host header", callerEnv);
            }
            int colon = host.lastIndexOf(':');
            if (colon > 0) {
                String withoutPort = host.substring(0, colon);
                if (table.hasEnvironment(withoutPort)) {
                    return chosen(table, withoutPort, "the Host header", callerEnv);
                }
            }
        }
        return fallback(table, callerEnv);
    }

    /** The environment of a Lever URL's call: its own, else the caller's, else the default. */
    public static String forUrl(RoutingTable table, String urlEnv, String callerEnv) {
        if (urlEnv != null) {
            return chosen(table, existing(table, urlEnv, "the Lever URL"), "the Lever URL", callerEnv);
        }
        return fallback(table, callerEnv);
    }

    /** The environment a call named: taken from outside; through the gateway, only the caller's own. */
    private static String chosen(RoutingTable table, String named, String source, String callerEnv) {
        if (callerEnv != null && !callerEnv.equals(named)) {
            throw new CallException(
                    ErrorCode.OTHER_ENVIRONMENT,
                    "environment '" + named + "' (from " + source + "): an instance of environment '" + callerEnv
                            + "' can call only its own environment through the internal gateway; "
                            + "call another environment's public services through the public port");
        }
        return named;
    }

    private static String fallback(RoutingTable table, String callerEnv) {
        if (callerEnv != null) {
            return existing(table, callerEnv, "the calling instance");
        }
        return existing(table, table.defaultEnvironment(), "the default environment");
    }

    private static String existing(RoutingTable table, String env, String source) {
        if (!table.hasEnvironment(env)) {
            throw new CallException(
                    ErrorCode.ENVIRONMENT_NOT_FOUND,
                    "environment '" + env + "' (from " + source + ") not found; list environments with "
                            + "`lever env list` or create it with `lever env create " + env + "`");
        }
        return env;
    }
}
