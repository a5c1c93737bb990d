package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
     * A lease on an instance of the route's live version: at once when one is ready, else when one
     * has started. Fails with a {@code CallException} NO_INSTANCE saying why none could be had.
     */
    public Future<Lease> acquire(ServiceRoute route) {
        ServicePool pool = pools.get(route.poolKey());
        if (pool == null) {
            pool = pools.computeIfAbsent(route.poolKey(), key -> new ServicePool(route, agent, vertx, settings));
        }
        return pool.acquire();
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
