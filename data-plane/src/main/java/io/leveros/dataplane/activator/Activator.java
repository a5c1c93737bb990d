package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out leases on ready instances, starting instances on demand. One {@link ServicePool} per
 * live service version, found by the route's precomputed pool key (one map lookup per call).
 */
public final class Activator implements AutoCloseable {
    private final Vertx vertx;
    private final NodeAgent agent;
    private final ActivatorSettings settings;
    private final Map<String, ServicePool> pools = new ConcurrentHashMap<>();
    private final long idleTimer;

    public Activator(Vertx vertx, NodeAgent agent, ActivatorSettings settings) {
        this.vertx = vertx;
        this.agent = agent;
        this.settings = settings;
        this.idleTimer = vertx.setPeriodic(settings.idleCheckIntervalMs(), id -> expireIdle());
    }

    /**
     * A lease for a call to the route's live version: on a ready instance here; else on a peer node
     * that has one; else on an instance here once one has started. Fails with a {@code
     * CallException} NO_INSTANCE saying why none could be had.
     */
    public Future<Lease> acquire(ServiceRoute route) {
        return pool(route).acquire(route, true);
    }

    /** A lease on an instance on this node only, for a call another node forwarded here. */
    public Future<Lease> acquireLocal(ServiceRoute route) {
        return pool(route).acquire(route, false);
    }

    private ServicePool pool(ServiceRoute route) {
        ServicePool pool = pools.get(route.poolKey());
        if (pool == null) {
            pool = pools.computeIfAbsent(route.poolKey(), key -> new ServicePool(route, agent, vertx, settings));
        }
        return pool;
    }

    /** The ready instances of each live version on this node, for the instance reports. */
    public Map<ServiceRoute, Integer> readyCounts() {
        Map<ServiceRoute, Integer> counts = new HashMap<>();
        for (ServicePool pool : pools.values()) {
            int ready = pool.readyCount();
            if (ready > 0) {
                counts.put(pool.route(), ready);
            }
        }
        return counts;
    }

    /** A new routing table: pools of versions that are no longer live drain and go away. */
    public void onRoutes(RoutingTable table) {
        for (Map.Entry<String, ServicePool> entry : pools.entrySet()) {
            ServiceRoute old = entry.getValue().route();
            ServiceRoute live = table.find(old.environment(), old.service());
            if (live == null || !entry.getKey().equals(live.poolKey())) {
                if (pools.remove(entry.getKey(), entry.getValue())) {
                    entry.getValue().retire();
                }
            }
        }
    }

    private void expireIdle() {
        long now = System.nanoTime();
        for (ServicePool pool : pools.values()) {
            pool.expireIdle(now);
        }
    }

    /** The ready instances of a version ({@code env/service/version}), for tests and diagnostics. */
    public List<Instance> readyInstances(String poolKey) {
        ServicePool pool = pools.get(poolKey);
        return pool == null ? List.of() : pool.readyInstances();
    }

    @Override
    public void close() {
        vertx.cancelTimer(idleTimer);
    }
}
