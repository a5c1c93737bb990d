package io.leveros.dataplane.routing;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;

/**
 * Finds the route of a call to {@code env/service} (the live version, or under a traffic split the version
 * picked for it) and refuses private services to outside callers.
 */
public final class RouteResolver {
    private RouteResolver() {}

    /**
     * @param resource the call's resource, empty for a plain call
     * @param internal whether private services may be called (the internal gateway, the forwarding port)
     * @throws CallException SERVICE_NOT_FOUND, NO_INSTANCE (no live version) or PRIVATE_SERVICE
     */
    public static ServiceRoute resolve(
            RoutingTable table, String environment, String service, String resource, boolean internal) {
        ServiceRoute route = table.find(environment, service);
        if (route == null) {
            throw new CallException(
                    ErrorCode.SERVICE_NOT_FOUND,
                    "service '" + service + "' not found in environment '" + environment
                            + "'; list the deployed services with `lever services --env " + environment + "`");
        }
        if (!route.isLive()) {
            throw new CallException(
                    ErrorCode.NO_INSTANCE,
                    "service '" + service + "' in environment '" + environment
                            + "' has no live version; deploy it with `lever deploy`");
        }
        if (route.isPrivate() && !internal) {
            throw new CallException(
                    ErrorCode.PRIVATE_SERVICE,
                    "service '" + service + "' in environment '" + environment
                            + "' is private: only other services can call it, through the internal gateway");
        }
        return table.pick(route, resource);
    }

    /** Fails with NO_INSTANCE while no routing snapshot has arrived yet. */
    public static RoutingTable readyTable(RoutingState state) {
        RoutingTable table = state.table();
        if (table.revision() < 0) {
            throw new CallException(
                    ErrorCode.NO_INSTANCE,
                    "the data plane has no routing table yet: the control plane has not been reached; "
                            + "check that it runs and retry");
        }
        return table;
    }
}
