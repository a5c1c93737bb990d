package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.metrics.InstanceStarts;
import io.leveros.dataplane.peer.UnreachablePeers;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Hands out leases on ready instances, starting instances on demand, and moves each version's
 * instances towards the autoscaler's target for this node. One {@link ServicePool} per live service
 * version, found by the route's precomputed pool key (one map lookup per call).
 */
public final class Activator implements AutoCloseable {
    private final Vertx vertx;
    private final NodeAgent agent;
    private final ActivatorSettings settings;
    private final LongSupplier reportSequence;
    private final InstanceStarts starts;
    private final Map<String, ServicePool> pools = new ConcurrentHashMap<>();
    private final UnreachablePeers unreachablePeers = new UnreachablePeers();
    private final long idleTimer;
    private volatile ResourceHolder resources = ResourceHolder.NONE;

    /**
     * @param reportSequence the sequence of the next instance report (see {@code ScalingTarget})
     * @param starts where instance starts are counted
     */
    public Activator(
            Vertx vertx,
            NodeAgent agent,
            ActivatorSettings settings,
            LongSupplier reportSequence,
            InstanceStarts starts) {
        this.vertx = vertx;
        this.agent = agent;
        this.settings = settings;
        this.reportSequence = reportSequence;
        this.starts = starts;
        this.idleTimer = vertx.setPeriodic(settings.idleCheckIntervalMs(), id -> housekeeping());
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

    /**
     * Who is told when instances holding resources drain or exit; set once while the data plane is
     * wired, before any call.
     */
    public void holdResourcesWith(ResourceHolder holder) {
        this.resources = holder;
    }

    /**
     * A lease for a resource's first call here, on the instance with most room for resources
     * (counted as bound to it); a new instance is started if none has room.
     */
    public Future<Lease> acquireForResource(ServiceRoute route) {
        return pool(route).acquireForResource(route);
    }

    /** A lease on {@code instance}, which holds a resource; {@code null} once it takes no calls. */
    public Lease leaseOnBound(Instance instance) {
        ServicePool pool = pools.get(instance.route().poolKey());
        return pool == null ? null : pool.leaseOnBound(instance);
    }

    /** Whether an instance of the route's version here has room for one more resource now. */
    public boolean hasRoomForResource(ServiceRoute route) {
        ServicePool pool = pools.get(route.poolKey());
        return pool != null && pool.hasRoomForResource();
    }

    private ServicePool pool(ServiceRoute route) {
        ServicePool pool = pools.get(route.poolKey());
        if (pool == null) {
            pool = pools.computeIfAbsent(
                    route.poolKey(),
                    key -> new ServicePool(
                            route, agent, vertx, settings, reportSequence, starts, resources, unreachablePeers));
        }
        return pool;
    }

    /** The other nodes calls could not reach a moment ago, left out of balancing meanwhile. */
    public UnreachablePeers unreachablePeers() {
        return unreachablePeers;
    }

    /** Each live version's instances on this node and the load on them, for the instance reports. */
    public List<PoolLoad> loads() {
        List<PoolLoad> loads = new ArrayList<>(pools.size());
        for (ServicePool pool : pools.values()) {
            loads.add(pool.load());
        }
        return loads;
    }

    /**
     * A new routing table: pools of versions that are no longer live drain and go away; the others
     * move towards their targets, and a version with a target here but no pool yet gets one (its
     * instances start before any call, e.g. for minInstances).
     */
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
        for (ServiceRoute route : table.routes()) {
            if (route.isLive() && (route.targetInstances() > 0 || pools.containsKey(route.poolKey()))) {
                pool(route).reconcile(route);
            }
        }
    }

    /** Idle expiry, and another step towards the targets (e.g. after a failed start's backoff). */
    private void housekeeping() {
        long now = System.nanoTime();
        for (ServicePool pool : pools.values()) {
            pool.expireIdle(now);
            pool.reconcile(pool.route());
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
