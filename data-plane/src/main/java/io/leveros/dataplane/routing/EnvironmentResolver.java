package io.leveros.dataplane.routing;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;

/**
 * Picks the environment of a call. Over HTTP: {@code ?forceenv=}, else the {@code Host} header
 * when it (with or without its port) names an environment, else the calling instance's
 * environment (internal gateway), else the table's default environment. For a Lever URL: the
 * URL's environment, else the caller's, else the default.
 */
public final class EnvironmentResolver {
    private EnvironmentResolver() {}

    /**
     * @param forceEnv the {@code forceenv} query parameter, or {@code null}
     * @param host the {@code Host} header (or HTTP/2 authority), or {@code null}
     * @param callerEnv the calling instance's environment, or {@code null} for external calls
     */
    public static String forHttp(RoutingTable table, String forceEnv, String host, String callerEnv) {
        if (forceEnv != null && !forceEnv.isEmpty()) {
            return existing(table, forceEnv, "?forceenv=");
        }
        if (host != null && !host.isEmpty()) {
            if (table.hasEnvironment(host)) {
                return host;
            }
            int colon = host.lastIndexOf(':');
            if (colon > 0) {
                String withoutPort = host.substring(0, colon);
                if (table.hasEnvironment(withoutPort)) {
                    return withoutPort;
                }
            }
        }
        return fallback(table, callerEnv);
    }

    /** The environment of a Lever URL's call: its own, else the caller's, else the default. */
    public static String forUrl(RoutingTable table, String urlEnv, String callerEnv) {
        if (urlEnv != null) {
            return existing(table, urlEnv, "the Lever URL");
        }
        return fallback(table, callerEnv);
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
