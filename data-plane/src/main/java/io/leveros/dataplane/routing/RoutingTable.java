package io.leveros.dataplane.routing;

import io.leveros.core.environment.EnvironmentNames;
import io.leveros.dataplane.peer.Peer;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import io.leveros.proto.control.ServingVersion;
import io.leveros.proto.control.TrafficShare;
import io.vertx.core.net.SocketAddress;
import java.lang.System.Logger.Level;
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
    public static final RoutingTable EMPTY =
            new RoutingTable(-1, 0, EnvironmentNames.DEFAULT, Map.of(), List.of(), Map.of(), Map.of(), "");

    private static final System.Logger LOG = System.getLogger(RoutingTable.class.getName());

    private final long revision;
    private final long clusterRevision;
    private final String defaultEnvironment;
    private final Map<String, Map<String, ServiceRoute>> environments;
    private final List<ServiceRoute> routes;
    private final Map<String, ServiceRoute> starting;
    /** By the live version's pool key. */
    private final Map<String, TrafficSplit> splits;

    private final String forwardingKey;

    private RoutingTable(
            long revision,
            long clusterRevision,
            String defaultEnvironment,
            Map<String, Map<String, ServiceRoute>> environments,
            List<ServiceRoute> routes,
            Map<String, ServiceRoute> starting,
            Map<String, TrafficSplit> splits,
            String forwardingKey) {
        this.revision = revision;
        this.clusterRevision = clusterRevision;
        this.defaultEnvironment = defaultEnvironment;
        this.environments = environments;
        this.routes = routes;
        this.starting = starting;
        this.splits = splits;
        this.forwardingKey = forwardingKey;
    }

    /**
     * Compiles a snapshot. A missing default environment name means {@link EnvironmentNames#DEFAULT}.
     *
     * @param selfNodeId this node's id: its own report is not a peer
     */
    public static RoutingTable compile(RoutingSnapshot snapshot, String selfNodeId) {
        Map<String, List<Peer>> peers = peers(snapshot, selfNodeId);
        Map<String, ScalingTarget> targets = new HashMap<>();
        for (ScalingTarget target : snapshot.getTargetsList()) {
            if (target.getNodeId().equals(selfNodeId)) {
                targets.put(
                        ServiceRoute.poolKey(target.getEnvironment(), target.getService(), target.getVersion()),
                        target);
            }
        }
        Map<String, Map<String, ServiceRoute>> environments = new HashMap<>();
        List<ServiceRoute> routes = new ArrayList<>();
        Map<String, ServiceRoute> starting = new HashMap<>();
        Map<String, TrafficSplit> splits = new HashMap<>();
        for (Environment environment : snapshot.getEnvironmentsList()) {
            Map<String, ServiceRoute> services = new HashMap<>();
            for (Service service : environment.getServicesList()) {
                ServiceVersion live = service.hasLive() ? service.getLive() : null;
                String key = live == null
                        ? null
                        : ServiceRoute.poolKey(environment.getName(), service.getName(), live.getVersion());
                ServiceRoute route = ServiceRoute.of(
                        environment.getName(),
                        service.getName(),
                        key,
                        live,
                        key == null ? List.of() : peers.getOrDefault(key, List.of()),
                        key == null ? null : targets.get(key));
                services.put(service.getName(), route);
                routes.add(route);
                if (key != null && service.getSplitCount() > 0) {
                    splits.put(key, split(environment.getName(), service, route, peers, targets));
                }
                if (service.hasStarting()) {
                    String startingKey = ServiceRoute.poolKey(
                            environment.getName(),
                            service.getName(),
                            service.getStarting().getVersion());
                    starting.put(
                            startingKey,
                            ServiceRoute.of(
                                    environment.getName(),
                                    service.getName(),
                                    startingKey,
                                    service.getStarting(),
                                    List.of(),
                                    targets.get(startingKey)));
                }
            }
            environments.put(environment.getName(), Collections.unmodifiableMap(services));
        }
        String defaultEnvironment = snapshot.getDefaultEnvironment().isEmpty()
                ? EnvironmentNames.DEFAULT
                : snapshot.getDefaultEnvironment();
        return new RoutingTable(
                snapshot.getRevision(),
                snapshot.getClusterRevision(),
                defaultEnvironment,
                Collections.unmodifiableMap(environments),
                Collections.unmodifiableList(routes),
                Collections.unmodifiableMap(starting),
                Collections.unmodifiableMap(splits),
                snapshot.getForwardingKey());
    }

    private static TrafficSplit split(
            String environment,
            Service service,
            ServiceRoute live,
            Map<String, List<Peer>> peers,
            Map<String, ScalingTarget> targets) {
        List<ServiceRoute> routes = new ArrayList<>();
        int[] upTo = new int[service.getSplitCount()];
        int sum = 0;
        for (int i = 0; i < upTo.length; i++) {
            TrafficShare share = service.getSplit(i);
            long version = share.getVersion().getVersion();
            String key = ServiceRoute.poolKey(environment, service.getName(), version);
            routes.add(
                    version == live.versionNumber()
                            ? live
                            : ServiceRoute.of(
                                    environment,
                                    service.getName(),
                                    key,
                                    share.getVersion(),
                                    peers.getOrDefault(key, List.of()),
                                    targets.get(key)));
            sum += share.getPercent();
            upTo[i] = sum;
        }
        return new TrafficSplit(List.copyOf(routes), upTo);
    }

    /** Peers by the pool key of the version they serve. */
    private static Map<String, List<Peer>> peers(RoutingSnapshot snapshot, String selfNodeId) {
        Map<String, List<Peer>> peers = new HashMap<>();
        for (Node node : snapshot.getNodesList()) {
            if (node.getNodeId().equals(selfNodeId)) {
                continue;
            }
            SocketAddress address;
            try {
                address = Peer.address(node.getForwardingAddress());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "node ''{0}'' is not used: {1}", node.getNodeId(), e.getMessage());
                continue;
            }
            for (ServingVersion serving : node.getServingList()) {
                if (serving.getReadyInstances() > 0) {
                    peers.computeIfAbsent(
                                    ServiceRoute.poolKey(
                                            serving.getEnvironment(), serving.getService(), serving.getVersion()),
                                    key -> new ArrayList<>())
                            .add(new Peer(node.getNodeId(), address, serving.getReadyInstances()));
                }
            }
        }
        return peers;
    }

    public long revision() {
        return revision;
    }

    /**
     * Orders tables of one {@link #revision()}: grows with every change of what the nodes serve or
     * of the autoscaler's targets.
     */
    public long clusterRevision() {
        return clusterRevision;
    }

    /** Whether this table is older than {@code other}: by revision, then by cluster revision. */
    public boolean olderThan(RoutingTable other) {
        return revision < other.revision || (revision == other.revision && clusterRevision < other.clusterRevision);
    }

    /** What this node sends to, and expects from, the other nodes' forwarding ports; empty before a snapshot. */
    public String forwardingKey() {
        return forwardingKey;
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

    /**
     * The version one call goes to: {@code live} ({@link #find}), or under a traffic split the version
     * picked for it ({@code resource} empty for a plain call; see {@link TrafficSplit}).
     */
    public ServiceRoute pick(ServiceRoute live, String resource) {
        if (splits.isEmpty()) {
            return live;
        }
        TrafficSplit split = splits.get(live.poolKey());
        return split == null ? live : split.pick(resource);
    }

    /** Whether a traffic split sends calls to the version of {@code poolKey}. */
    public boolean splitsTo(String poolKey) {
        for (TrafficSplit split : splits.values()) {
            for (ServiceRoute route : split.routes()) {
                if (route.poolKey().equals(poolKey)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The routes of every version in a traffic split, the live ones included. */
    public List<ServiceRoute> splitRoutes() {
        List<ServiceRoute> routes = new ArrayList<>();
        for (TrafficSplit split : splits.values()) {
            routes.addAll(split.routes());
        }
        return routes;
    }

    /**
     * The versions starting to replace live ones, by pool key: their instances start to their targets,
     * but {@link #find} never answers them, so they take no call until they are live.
     */
    public Map<String, ServiceRoute> starting() {
        return starting;
    }
}
