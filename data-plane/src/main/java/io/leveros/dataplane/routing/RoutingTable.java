package io.leveros.dataplane.routing;

import io.leveros.core.environment.EnvironmentNames;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable routing table compiled from one {@link RoutingSnapshot}: environment → service →
 * {@link ServiceRoute}. Built once per snapshot (off the request path) and only read afterwards,
 * so any number of threads may use it without locks.
 */
public final class RoutingTable {
    /** The table before any snapshot arrived: no environments, revision -1. */
    public static final RoutingTable EMPTY = new RoutingTable(-1, EnvironmentNames.DEFAULT, Map.of(), List.of());

    private final long revision;
    private final String defaultEnvironment;
    private final Map<String, Map<String, ServiceRoute>> environments;
    private final List<ServiceRoute> routes;

    private RoutingTable(
            long revision,
            String defaultEnvironment,
            Map<String, Map<String, ServiceRoute>> environments,
            List<ServiceRoute> routes) {
        this.revision = revision;
        this.defaultEnvironment = defaultEnvironment;
        this.environments = environments;
        this.routes = routes;
    }

    /** Compiles a snapshot. A missing default environment name means {@link EnvironmentNames#DEFAULT}. */
    public static RoutingTable compile(RoutingSnapshot snapshot) {
        Map<String, Map<String, ServiceRoute>> environments = new HashMap<>();
        List<ServiceRoute> routes = new ArrayList<>();
        for (Environment environment : snapshot.getEnvironmentsList()) {
            Map<String, ServiceRoute> services = new HashMap<>();
            for (Service service : environment.getServicesList()) {
                ServiceRoute route = ServiceRoute.of(
                        environment.getName(), service.getName(), service.hasLive() ? service.getLive() : null);
                services.put(service.getName(), route);
                routes.add(route);
            }
            environments.put(environment.getName(), Collections.unmodifiableMap(services));
        }
        String defaultEnvironment = snapshot.getDefaultEnvironment().isEmpty()
                ? EnvironmentNames.DEFAULT
                : snapshot.getDefaultEnvironment();
        return new RoutingTable(
                snapshot.getRevision(),
                defaultEnvironment,
                Collections.unmodifiableMap(environments),
                Collections.unmodifiableList(routes));
    }

    public long revision() {
        return revision;
    }

    public String defaultEnvironment() {
        return defaultEnvironment;
    }

    public boolean hasEnvironment(String name) {
        return environments.containsKey(name);
    }

    /** The services of an environment by name, or {@code null} when there is no such environment. */
    public Map<String, ServiceRoute> environment(String name) {
        return environments.get(name);
    }

    /** The route of {@code env/service}, or {@code null}. */
    public ServiceRoute find(String environment, String service) {
        Map<String, ServiceRoute> services = environments.get(environment);
        return services == null ? null : services.get(service);
    }

    /** Every service of every environment. */
    public List<ServiceRoute> routes() {
        return routes;
    }
}
