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
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Hands out leases on ready instances, starting instances on demand, and moves each version's
 * instances towards the autoscaler's target for this node. One {@link ServicePool} per live service
 * version (and per version starting to replace one), found by the route's precomputed pool key (one map
 * lookup per call).
 */
public final class Activator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Activator.class.getName());
    static final long WARM_UP_AFTER_CALLS_WITHIN_MS = 10_000;

    private final Vertx vertx;
    private final NodeAgent agent;
    private final ActivatorSettings settings;
    private final LongSupplier reportSequence;
    private final InstanceStarts starts;
    private final Map<String, ServicePool> pools = new ConcurrentHashMap<>();
    /** By the pool key of the version now live: the replaced version's pool, while it hands over. */
    private final Map<String, Handover> handovers = new ConcurrentHashMap<>();

    private final UnreachablePeers unreachablePeers = new UnreachablePeers();
    private final long idleTimer;
    private volatile ResourceHolder resources = ResourceHolder.NONE;
    private volatile ReplacedStreams replacedStreams = ReplacedStreams.NONE;
    private volatile InstanceWarmUp warmUp = InstanceWarmUp.NONE;

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
        ServicePool pool = pool(route);
        if (!handovers.isEmpty()) {
            Handover handover = handovers.get(route.poolKey());
            if (handover != null && handover.takes(System.nanoTime()) && pool.busy()) {
                return handover.replaced().acquire(handover.replaced().route(), false);
            }
        }
        return pool.acquire(route, true);
    }

    /**
     * A replaced version's pool handing its plain calls over to the version now live: it takes a call
     * that would wait behind another on the new instances with a chance falling from 1 to 0 over {@code
     * handoverNanos} (a fresh JVM answers slowly until its JIT has compiled the hot paths; switching 500
     * calls/s at once made calls queue for a second on the new instance). A call that finds a new
     * instance idle always goes to it: under light load the new version answers at once.
     */
    private record Handover(ServicePool replaced, long sinceNanos, long handoverNanos) {
        boolean takes(long nowNanos) {
            double share = 1 - (double) (nowNanos - sinceNanos) / handoverNanos;
            return share > 0 && ThreadLocalRandom.current().nextDouble() < share && replaced.hasReady();
        }
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

    /** Who ends streams on replaced versions; set once while the data plane is wired, before any call. */
    public void endReplacedStreamsWith(ReplacedStreams streams) {
        this.replacedStreams = streams;
    }

    /**
     * What warms up the instances of a version starting beside the live one before they count as
     * ready; set once while the data plane is wired, before any routes.
     */
    public void warmUpWith(InstanceWarmUp warmUp) {
        this.warmUp = warmUp;
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
                            route,
                            agent,
                            vertx,
                            settings,
                            reportSequence,
                            starts,
                            resources,
                            unreachablePeers,
                            this::warmUpIfReplacingABusyVersion));
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
     * A new routing table: pools of versions that are neither live, nor starting, nor in a traffic split
     * drain and go away (a
     * version just replaced by one whose instances are ready here first hands over, see {@link Handover}); the
     * others move towards their targets, and a version with a target here but no pool yet gets one (its
     * instances start before any call: minInstances, or a starting version warming up to replace the
     * live one, whose pool then serves once it is live).
     */
    public void onRoutes(RoutingTable table) {
        for (Map.Entry<String, ServicePool> entry : pools.entrySet()) {
            ServiceRoute old = entry.getValue().route();
            ServiceRoute live = table.find(old.environment(), old.service());
            boolean kept = (live != null && entry.getKey().equals(live.poolKey()))
                    || table.starting().containsKey(entry.getKey())
                    || table.splitsTo(entry.getKey());
            if (kept) {
                handovers.values().removeIf(handover -> handover.replaced() == entry.getValue()); // live again
                continue;
            }
            if (handingOver(entry.getValue())) {
                continue;
            }
            if (live != null && live.isLive() && settings.handoverMs() > 0 && pools.containsKey(live.poolKey())) {
                handOver(entry.getKey(), entry.getValue(), live);
            } else if (pools.remove(entry.getKey(), entry.getValue())) {
                retire(entry.getValue(), live);
            }
        }
        for (ServiceRoute route : table.routes()) {
            if (route.isLive() && (route.targetInstances() > 0 || pools.containsKey(route.poolKey()))) {
                serve(route, false);
            }
        }
        for (ServiceRoute route : table.splitRoutes()) {
            if (route.targetInstances() > 0 || pools.containsKey(route.poolKey())) {
                serve(route, false);
            }
        }
        for (ServiceRoute route : table.starting().values()) {
            if (route.targetInstances() > 0 || pools.containsKey(route.poolKey())) {
                ServiceRoute live = table.find(route.environment(), route.service());
                serve(route, live != null && live.isLive() && !live.poolKey().equals(route.poolKey()));
            }
        }
    }

    /**
     * Warms up a new instance of a starting version only while another version of its service served
     * calls here within the last {@value #WARM_UP_AFTER_CALLS_WITHIN_MS} ms: with no load to meet (say
     * {@code lever dev}) warming it would only delay the switch.
     */
    private Future<Void> warmUpIfReplacingABusyVersion(Instance instance) {
        ServiceRoute starting = instance.route();
        long since = System.nanoTime() - WARM_UP_AFTER_CALLS_WITHIN_MS * 1_000_000L;
        for (ServicePool pool : pools.values()) {
            ServiceRoute other = pool.route();
            if (other.versionNumber() != starting.versionNumber()
                    && other.service().equals(starting.service())
                    && other.environment().equals(starting.environment())
                    && pool.calledSince(since)) {
                return warmUp.warmUp(instance);
            }
        }
        return Future.succeededFuture();
    }

    /**
     * Moves a version's pool towards its target; {@code beside} when the version is starting beside a
     * live one (a first version, live while it starts, serves at once).
     */
    private void serve(ServiceRoute route, boolean beside) {
        ServicePool pool = pool(route);
        pool.warming(beside);
        pool.reconcile(route);
    }

    /**
     * The replaced version's pool keeps a falling share of new calls to the version now live, whose pool
     * is warm here (it started before the switch), then retires.
     */
    private void handOver(String poolKey, ServicePool replaced, ServiceRoute live) {
        Handover handover = new Handover(replaced, System.nanoTime(), settings.handoverMs() * 1_000_000L);
        Handover earlier = handovers.put(live.poolKey(), handover);
        if (earlier != null && pools.remove(earlier.replaced().route().poolKey(), earlier.replaced())) {
            retire(earlier.replaced(), live);
        }
        vertx.setTimer(settings.handoverMs(), id -> {
            if (handovers.remove(live.poolKey(), handover) && pools.remove(poolKey, replaced)) {
                retire(replaced, live);
            }
        });
    }

    /**
     * Drains a pool that left the routing table; when another version of its service is live, the streams
     * still open on it end once its {@code upgradeStreamGrace} has run out.
     */
    private void retire(ServicePool pool, ServiceRoute live) {
        pool.retire();
        ServiceRoute replaced = pool.route();
        if (live == null || !live.isLive()) {
            return;
        }
        vertx.setTimer(replaced.upgradeStreamGraceMs(), id -> {
            int ended = replacedStreams.endReplaced(replaced, live.versionNumber());
            if (ended > 0) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "{0}: ended {1} streams still open {2} ms after v{3} replaced it (upgradeStreamGrace)",
                        replaced.versionName(),
                        ended,
                        replaced.upgradeStreamGraceMs(),
                        String.valueOf(live.versionNumber())); // a number would print as "v1,000"
            }
        });
    }

    private boolean handingOver(ServicePool pool) {
        for (Handover handover : handovers.values()) {
            if (handover.replaced() == pool) {
                return true;
            }
        }
        return false;
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
