package io.leveros.dataplane.activator;

import io.leveros.core.process.ExitCodes;
import io.leveros.dataplane.activator.WaitQueue.Waiter;
import io.leveros.dataplane.balancing.PowerOfTwoChoices;
import io.leveros.dataplane.balancing.ResourceRoom;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.metrics.InstanceStarts;
import io.leveros.dataplane.peer.Peer;
import io.leveros.dataplane.peer.UnreachablePeers;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The instances of one service version on this node, the calls waiting for one, and the load on
 * them (for the reports the autoscaler decides from).
 *
 * <p>How many instances run: a call that finds none starts one at once (cold start; concurrent
 * calls share it). Beyond that the control plane's target for this node decides ({@link
 * #reconcile}): more are started, extra ones drain (out of balancing, their calls finish) and stop.
 * While the version has no target yet, the pool scales by itself: one more when every instance is
 * at {@code maxInstanceLoad}, and instances idle for the idle timeout stop.
 *
 * <p>The pool decides which instance lists change and when instances start and stop; its parts,
 * each used under its lock, keep the rest: {@link WaitQueue} (the calls waiting for an instance),
 * {@link StartBackoff} (failed starts), {@link PoolCounters} (the load for the reports), and the
 * {@code balancing} package chooses instances ({@link PowerOfTwoChoices} for plain calls, {@link
 * ResourceRoom} for new resources and scale-down).
 *
 * <p>Thread-safety: state, the parts' included, is guarded by {@code this}; critical sections are
 * short and never do I/O, and futures are completed and instances stopped outside the lock. Calls
 * arrive on any event loop.
 */
final class ServicePool {
    private static final System.Logger LOG = System.getLogger(ServicePool.class.getName());

    private final NodeAgent agent;
    private final ActivatorSettings settings;
    private final LongSupplier reportSequence;
    private final InstanceStarts starts;
    private final ResourceHolder resources;
    private final UnreachablePeers unreachable;
    private final InstanceWarmUp warmUp;
    /** Instances that take calls. */
    private final ArrayList<Instance> ready = new ArrayList<>();
    /**
     * Instances taken out of balancing: stopped once their last call ends, and kept here (and in the
     * reports) until their process has exited.
     */
    private final ArrayList<Instance> draining = new ArrayList<>();

    private final WaitQueue waiters;
    private final StartBackoff backoff;
    private final PoolCounters counters = new PoolCounters(System.nanoTime());
    private ServiceRoute route;
    private int starting;
    private boolean activated;
    private boolean retired;
    /**
     * Whether this is a version starting beside the live one: its instances start in the background
     * and are warmed up before they count as ready; once it is live they get the normal priority.
     */
    private boolean warming;
    /** Whether a call has ended here, and when the last one did. */
    private boolean callEnded;

    private long lastCallEndedNanos;
    /** The report sequence current when this pool last started an instance. */
    private long lastStartSequence = -1;
    /** The last instance that exited unasked, and why; else empty. */
    private String lastExit = "";

    ServicePool(
            ServiceRoute route,
            NodeAgent agent,
            Vertx vertx,
            ActivatorSettings settings,
            LongSupplier sequence,
            InstanceStarts starts,
            ResourceHolder resources,
            UnreachablePeers unreachable,
            InstanceWarmUp warmUp) {
        this.route = route;
        this.warmUp = warmUp;
        this.unreachable = unreachable;
        this.resources = resources;
        this.agent = agent;
        this.settings = settings;
        this.reportSequence = sequence;
        this.starts = starts;
        this.waiters = new WaitQueue(vertx, settings.maxQueuedCalls(), settings.queueTimeoutMs(), this::timeout);
        this.backoff = new StartBackoff(settings.maxStartAttempts());
    }

    synchronized ServiceRoute route() {
        return route;
    }

    /**
     * A lease on a ready instance, at once when there is one; else, when {@code mayForward}, on one
     * of the peers of {@code current} (the newest route of this version); else once an instance here
     * has started.
     */
    Future<Lease> acquire(ServiceRoute current, boolean mayForward) {
        int toStart = 0;
        Lease lease = null;
        Waiter waiter = null;
        long now = System.nanoTime();
        synchronized (this) {
            accrue(now);
            route = current;
            if (ready.isEmpty() && mayForward && !current.peers().isEmpty()) {
                List<Peer> peers = unreachable.reachable(current.peers());
                if (!peers.isEmpty()) {
                    return Future.succeededFuture(Lease.onPeer(PowerOfTwoChoices.pick(peers), current));
                }
            }
            if (!ready.isEmpty()) {
                Instance chosen = PowerOfTwoChoices.pick(ready);
                if (current.targetInstances() < 0
                        && starting == 0
                        && !retired
                        && ready.size() < cap()
                        && PowerOfTwoChoices.minOutstanding(ready) >= current.maxInstanceLoad()) {
                    toStart = 1; // no target yet and everyone is at maxInstanceLoad: add one
                }
                lease = leaseOn(chosen, now);
            } else {
                if (starting == 0 && backoff.holdsOff(now)) {
                    return Future.failedFuture(new CallException(ErrorCode.NO_INSTANCE, backoff.why(now)));
                }
                if (waiters.full()) {
                    return Future.failedFuture(waiters.tooMany(current, false));
                }
                waiter = waiters.add(false);
                if (starting == 0) {
                    toStart = onDemand(current);
                }
            }
            starting += toStart;
            if (toStart > 0) {
                lastStartSequence = reportSequence.getAsLong();
            }
        }
        for (int i = 0; i < toStart; i++) {
            launch();
        }
        return lease != null ? Future.succeededFuture(lease) : waiter.future();
    }

    /**
     * A lease for a resource's first call on this node: on the ready instance that holds the fewest
     * resources (then the least busy) under {@code maxResourcesPerInstance}, counted as bound to it;
     * else on a new instance once it has started. Fails with NO_INSTANCE when every instance is
     * full and no more may start.
     */
    Future<Lease> acquireForResource(ServiceRoute current) {
        Lease lease = null;
        Waiter waiter = null;
        int toStart = 0;
        long now = System.nanoTime();
        synchronized (this) {
            accrue(now);
            route = current;
            Instance roomiest = roomiest();
            if (roomiest != null) {
                roomiest.resourceBound();
                lease = leaseOn(roomiest, now);
            } else {
                boolean mayStart = !retired && !backoff.holdsOff(now) && ready.size() + starting < cap();
                if (!mayStart && starting == 0) {
                    return Future.failedFuture(new CallException(ErrorCode.NO_INSTANCE, noRoomForResources(now)));
                }
                if (waiters.full()) {
                    return Future.failedFuture(waiters.tooMany(current, true));
                }
                waiter = waiters.add(true);
                if (mayStart && (starting == 0 || ready.size() + starting < waiters.waitingForResources())) {
                    toStart = onDemand(current);
                    starting += toStart;
                    lastStartSequence = reportSequence.getAsLong();
                }
            }
        }
        for (int i = 0; i < toStart; i++) {
            launch();
        }
        return lease != null ? Future.succeededFuture(lease) : waiter.future();
    }

    /** Under the lock: the ready instance with room for one more resource that holds fewest, or null. */
    private Instance roomiest() {
        return ResourceRoom.roomiest(ready, route.maxResourcesPerInstance());
    }

    /** Whether a ready instance has room for one more resource. */
    synchronized boolean hasRoomForResource() {
        return roomiest() != null;
    }

    /** Under the lock: why a new resource finds no instance here. */
    private String noRoomForResources(long now) {
        if (ready.isEmpty() && backoff.failing()) {
            return backoff.why(now);
        }
        return "every instance of service '" + route.service() + "' v" + route.versionNumber() + " here holds"
                + " maxResourcesPerInstance (" + route.maxResourcesPerInstance() + ") resources and no more may"
                + " start (" + ready.size() + " running; lever.json maxInstances, or the data plane's"
                + " --local-max-instances); retry once a resource is closed, or raise the limits";
    }

    /**
     * A lease on {@code instance}, which holds the call's resource; {@code null} when it no longer
     * takes calls (it drains or exited), so the resource must be bound again.
     */
    Lease leaseOnBound(Instance instance) {
        long now = System.nanoTime();
        synchronized (this) {
            if (instance.draining() || !ready.contains(instance)) {
                return null;
            }
            accrue(now);
            return leaseOn(instance, now);
        }
    }

    /** Under the lock, before the calls in flight or waiting change: adds the time since the last change. */
    private void accrue(long now) {
        counters.accrue(now, queuedLoad());
    }

    /** Under the lock: the load the calls waiting for an instance stand for ({@link PoolCounters#queuedLoad}). */
    private int queuedLoad() {
        return PoolCounters.queuedLoad(waiters.size(), !ready.isEmpty(), route.maxInstanceLoad());
    }

    /** Under the lock: a lease on {@code chosen} from {@code now}, counted as in flight. */
    private Lease leaseOn(Instance chosen, long now) {
        chosen.callStarted();
        counters.callStarted();
        return Lease.onInstance(this, chosen, now);
    }

    /**
     * Under the lock: how many instances a call that finds none starts: {@code minInstances} on the
     * version's first activation here, one after that.
     */
    private int onDemand(ServiceRoute current) {
        int count = activated ? 1 : Math.max(1, Math.min(current.minInstances(), cap()));
        activated = true;
        return count;
    }

    private int cap() {
        int local = settings.localMaxInstances();
        return route.maxInstances() > 0 ? Math.min(route.maxInstances(), local) : local;
    }

    /**
     * Moves towards the control plane's target for this node ({@code current.targetInstances()},
     * -1 = none): starts the missing instances (not while a failed start backs off), and drains the
     * extra ones, least busy first, unless the target was decided before an instance this pool
     * started since (the autoscaler had not seen it yet).
     */
    void reconcile(ServiceRoute current) {
        int toStart = 0;
        List<Instance> stopNow = new ArrayList<>();
        List<Lease> closing = new ArrayList<>();
        synchronized (this) {
            route = current;
            int target = current.targetInstances();
            if (target < 0 || retired) {
                return;
            }
            int have = ready.size() + starting;
            if (target > have && !backoff.holdsOff(System.nanoTime())) {
                toStart = Math.min(target, cap()) - have;
            } else if (target < ready.size() && current.targetSequence() > lastStartSequence) {
                long now = System.nanoTime();
                for (Instance instance : ResourceRoom.toScaleDown(ready, ready.size() - target)) {
                    ready.remove(instance);
                    instance.drain();
                    draining.add(instance);
                    if (instance.boundResources() > 0) {
                        accrue(now);
                        closing.add(leaseOn(instance, now));
                    } else if (instance.outstanding() == 0) {
                        stopNow.add(instance);
                    }
                }
            }
            toStart = Math.max(0, toStart);
            starting += toStart;
            if (toStart > 0) {
                activated = true;
                lastStartSequence = reportSequence.getAsLong();
            }
        }
        for (Instance instance : stopNow) {
            LOG.log(
                    Level.INFO,
                    "{0}: stopping it, the autoscaler wants {1} here",
                    instance.describe(),
                    current.targetInstances());
            agent.stop(instance);
        }
        for (Lease lease : closing) {
            resources.draining(lease.instance(), lease);
        }
        for (int i = 0; i < toStart; i++) {
            launch();
        }
    }

    /** Whether a call ended here after {@code nanos}, or one is in flight. */
    synchronized boolean calledSince(long nanos) {
        if (callEnded && lastCallEndedNanos - nanos > 0) {
            return true;
        }
        for (Instance instance : ready) {
            if (instance.outstanding() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks the pool's version as starting beside the live one ({@code true}), or as serving calls:
     * then its instances started in the background get the normal CPU priority.
     */
    void warming(boolean starting) {
        List<Instance> started;
        synchronized (this) {
            if (warming == starting) {
                return;
            }
            warming = starting;
            started = starting ? List.of() : new ArrayList<>(ready);
        }
        for (Instance instance : started) {
            instance.handle().foreground();
        }
    }

    private void launch() {
        long launched = System.nanoTime();
        ServiceRoute launching;
        boolean background;
        synchronized (this) {
            launching = route;
            background = warming;
        }
        agent.start(launching, background).onComplete(started -> {
            starts.record(
                    launching.environment(), launching.service(), started.succeeded(), System.nanoTime() - launched);
            if (started.failed()) {
                onStartFailed(started.cause());
            } else if (background) {
                Instance instance = started.result();
                warmUp.warmUp(instance).onComplete(warm -> onReady(instance));
            } else {
                onReady(started.result());
            }
        });
    }

    private void onReady(Instance instance) {
        List<Waiter> served;
        boolean stopNow = false;
        boolean serving;
        long now = System.nanoTime();
        synchronized (this) {
            serving = !warming;
            accrue(now);
            starting--;
            backoff.succeeded();
            ready.add(instance);
            if (retired) {
                instance.drain();
            }
            served = new ArrayList<>(waiters.size());
            Waiter waiter;
            while ((waiter = waiters.poll()) != null) {
                if (waiter.forResource()) {
                    Instance roomiest = roomiest();
                    if (roomiest == null) {
                        waiter.refuse(new CallException(ErrorCode.NO_INSTANCE, noRoomForResources(now)));
                    } else {
                        roomiest.resourceBound();
                        waiter.serve(leaseOn(roomiest, now));
                    }
                } else {
                    waiter.serve(leaseOn(PowerOfTwoChoices.pick(ready), now));
                }
                served.add(waiter);
            }
            if (retired && instance.outstanding() == 0) {
                ready.remove(instance);
                stopNow = true;
            }
        }
        if (serving) {
            instance.handle().foreground(); // it went live while it warmed up
        }
        instance.exited().onComplete(code -> onExit(instance, code.result()));
        for (Waiter waiter : served) {
            if (!waiters.answer(waiter) && waiter.lease() != null) {
                if (waiter.forResource()) {
                    waiter.lease().instance().resourceUnbound();
                }
                waiter.lease().release();
            }
        }
        if (stopNow) {
            agent.stop(instance);
        }
    }

    private void onStartFailed(Throwable cause) {
        List<Waiter> failed = List.of();
        boolean givingUp;
        synchronized (this) {
            long now = System.nanoTime();
            accrue(now);
            starting--;
            givingUp = backoff.failed(
                    cause instanceof CallException callException
                            ? callException
                            : new CallException(
                                    ErrorCode.NO_INSTANCE,
                                    "no instance of service '" + route.service() + "' could be started: " + cause),
                    now);
            if (ready.isEmpty() && starting == 0) {
                failed = waiters.removeAll();
            }
        }
        LOG.log(Level.WARNING, cause.getMessage());
        if (givingUp) {
            LOG.log(
                    Level.WARNING,
                    "{0} failed to start {1} times in a row: not starting it again until it is deployed again",
                    route.versionName(),
                    settings.maxStartAttempts());
        }
        for (Waiter waiter : failed) {
            waiters.fail(waiter, cause);
        }
    }

    private void onExit(Instance instance, Integer code) {
        boolean unexpected;
        String why = instance.handle().exceededRam()
                ? "went over its ram (" + NodeAgent.ramMb(route.version()) + " MB) and was killed"
                : ExitCodes.exited(code);
        synchronized (this) {
            boolean known = ready.remove(instance) | draining.remove(instance);
            unexpected = known && !instance.draining() && !agent.isClosing();
            if (unexpected || instance.handle().exceededRam()) {
                lastExit = instance + " " + why;
            }
        }
        resources.exited(instance);
        if (unexpected) {
            LOG.log(Level.WARNING, "{0} {1}; the next call starts a new one", instance.describe(), why);
        }
    }

    /**
     * {@code instance} refused a call unprocessed (it took no connection, or sent a GOAWAY) before its
     * exit is known: it was stopped from outside the platform, or is crashing. It takes no more calls,
     * and leaves the pool when it exits; its calls in flight may still finish. If it has not exited
     * within the drain timeout, it is killed.
     */
    void refusedCalls(Instance instance) {
        boolean known;
        synchronized (this) {
            known = ready.remove(instance);
            if (known) {
                draining.add(instance);
            }
        }
        if (!known) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "{0} refused a call unprocessed (stopped from outside the platform, or crashing): no more calls go to it",
                instance.describe());
        agent.killUnlessGoneAfterDrain(instance);
    }

    /** A waiter's timer fired (on an event loop): it fails, unless it was served or failed meanwhile. */
    private void timeout(Waiter waiter) {
        synchronized (this) {
            accrue(System.nanoTime());
            if (!waiters.remove(waiter)) {
                return;
            }
        }
        String why = "no instance of service '" + route.service() + "' v" + route.versionNumber() + " in environment '"
                + route.environment() + "' became ready within " + settings.queueTimeoutMs()
                + " ms; see its output with `lever logs " + route.service() + "`";
        waiters.fail(waiter, new CallException(ErrorCode.NO_INSTANCE, why));
    }

    /** A stream opened on a lease of this pool: counted as an open stream until released. */
    synchronized void streamOpened() {
        counters.streamOpened();
    }

    /**
     * The end of a lease's call, a failure if {@code failed}. A call's latency and outcome count
     * towards the reports; a stream's do not (it is open for as long as the client likes), it
     * counted as in flight while open.
     */
    void release(Instance instance, long startedNanos, boolean stream, boolean failed) {
        boolean stopNow = false;
        long now = System.nanoTime();
        synchronized (this) {
            accrue(now);
            instance.callEnded(now);
            counters.callEnded(startedNanos, now, stream, failed);
            callEnded = true;
            lastCallEndedNanos = now;
            if (instance.draining() && instance.outstanding() == 0 && waiters.isEmpty()) {
                stopNow = ready.remove(instance) | draining.contains(instance);
            }
        }
        if (stopNow) {
            agent.stop(instance);
        }
    }

    /** Whether an instance here takes calls now. */
    synchronized boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Whether every instance that takes calls here has one in flight already. */
    synchronized boolean busy() {
        for (Instance instance : ready) {
            if (instance.outstanding() == 0) {
                return false;
            }
        }
        return true;
    }

    /** The version is no longer live: drain every instance, stopping each once its calls are done. */
    void retire() {
        List<Instance> stopNow = new ArrayList<>();
        List<Lease> closing = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            retired = true;
            accrue(now);
            for (Instance instance : ready) {
                instance.drain();
                if (instance.boundResources() > 0) {
                    closing.add(leaseOn(instance, now));
                } else if (instance.outstanding() == 0 && waiters.isEmpty()) {
                    stopNow.add(instance);
                }
            }
            ready.removeAll(stopNow);
        }
        stopNow.forEach(agent::stop);
        for (Lease lease : closing) {
            resources.draining(lease.instance(), lease);
        }
    }

    /**
     * Stops instances idle longer than the version's idle timeout, keeping {@code minInstances};
     * only while the version has no target (the autoscaler decides otherwise).
     */
    void expireIdle(long nowNanos) {
        List<Instance> stopNow = new ArrayList<>();
        synchronized (this) {
            if (route.targetInstances() >= 0) {
                return;
            }
            long idleNanos = route.idleTimeoutMs() * 1_000_000L;
            for (int i = ready.size() - 1; i >= 0 && ready.size() > route.minInstances(); i--) {
                Instance instance = ready.get(i);
                if (instance.outstanding() == 0
                        && instance.boundResources() == 0
                        && nowNanos - instance.lastUsedNanos() > idleNanos) {
                    ready.remove(i);
                    instance.drain();
                    draining.add(instance);
                    stopNow.add(instance);
                }
            }
        }
        for (Instance instance : stopNow) {
            LOG.log(Level.INFO, "{0} idle for {1} ms: stopping it", instance.describe(), route.idleTimeoutMs());
            agent.stop(instance);
        }
    }

    /**
     * What this pool reports: its instances and the load on them. Memory is read outside the lock
     * (a kernel file read, cached per instance).
     */
    PoolLoad load() {
        PoolLoad totals;
        List<Instance> started;
        int[] inFlightOf;
        long now = System.nanoTime();
        synchronized (this) {
            accrue(now);
            started = new ArrayList<>(ready.size() + draining.size());
            started.addAll(ready);
            started.addAll(draining);
            inFlightOf = new int[started.size()];
            for (int i = 0; i < inFlightOf.length; i++) {
                inFlightOf[i] = started.get(i).outstanding();
            }
            totals = new PoolLoad(
                    route,
                    ready.size(),
                    starting,
                    counters.completedCalls(),
                    counters.failedCalls(),
                    counters.latencySumMicros(),
                    counters.latencyBucketCounts(),
                    counters.busyMicros(),
                    counters.inFlight() + queuedLoad(),
                    waiters.size(),
                    counters.openStreams(),
                    backoff.report(now),
                    lastExit,
                    List.of());
        }
        List<PoolLoad.InstanceLoad> instances = new ArrayList<>(started.size());
        for (int i = 0; i < inFlightOf.length; i++) {
            Instance instance = started.get(i);
            instances.add(new PoolLoad.InstanceLoad(
                    instance.id(),
                    instance.draining(),
                    instance.startedAtUnixMs(),
                    inFlightOf[i],
                    instance.rssBytes(),
                    instance.boundResources()));
        }
        return totals.withInstances(instances);
    }

    /** The ready instances, for tests and diagnostics. */
    synchronized List<Instance> readyInstances() {
        return List.copyOf(ready);
    }
}
