package io.leveros.dataplane.activator;

import io.leveros.dataplane.balancing.PowerOfTwoChoices;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of one service version on this node, and the calls waiting for one.
 *
 * <p>Thread-safety: state is guarded by {@code this}; critical sections are short and never do
 * I/O, and futures are completed and instances stopped outside the lock. Calls arrive on any event
 * loop.
 */
final class ServicePool {
    private static final System.Logger LOG = System.getLogger(ServicePool.class.getName());

    private final ServiceRoute route;
    private final NodeAgent agent;
    private final Vertx vertx;
    private final ActivatorSettings settings;
    private final ArrayList<Instance> ready = new ArrayList<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int starting;
    private boolean activated;
    private boolean retired;

    ServicePool(ServiceRoute route, NodeAgent agent, Vertx vertx, ActivatorSettings settings) {
        this.route = route;
        this.agent = agent;
        this.vertx = vertx;
        this.settings = settings;
    }

    ServiceRoute route() {
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
        synchronized (this) {
            if (ready.isEmpty() && mayForward && !current.peers().isEmpty()) {
                return Future.succeededFuture(Lease.onPeer(PowerOfTwoChoices.pick(current.peers()), current));
            }
            if (!ready.isEmpty()) {
                Instance chosen = PowerOfTwoChoices.pick(ready);
                if (starting == 0
                        && !retired
                        && ready.size() < cap()
                        && PowerOfTwoChoices.minOutstanding(ready) >= route.maxInstanceLoad()) {
                    toStart = 1; // everyone is at maxInstanceLoad: add one, this call goes to chosen
                }
                chosen.callStarted();
                lease = Lease.onInstance(this, chosen);
            } else {
                if (waiters.size() >= settings.maxQueuedCalls()) {
                    return Future.failedFuture(new CallException(
                            ErrorCode.NO_INSTANCE,
                            "too many calls (" + waiters.size() + ") are waiting for an instance of service '"
                                    + route.service() + "' in environment '" + route.environment()
                                    + "' to start; retry later"));
                }
                waiter = new Waiter();
                waiters.addLast(waiter);
                Waiter timed = waiter;
                waiter.timer = vertx.setTimer(settings.queueTimeoutMs(), id -> timeout(timed));
                if (starting == 0) {
                    toStart = activated ? 1 : Math.max(1, Math.min(route.minInstances(), cap()));
                    activated = true;
                }
            }
            starting += toStart;
        }
        for (int i = 0; i < toStart; i++) {
            launch();
        }
        return lease != null ? Future.succeededFuture(lease) : waiter.promise.future();
    }

    private int cap() {
        int local = settings.localMaxInstances();
        return route.maxInstances() > 0 ? Math.min(route.maxInstances(), local) : local;
    }

    private void launch() {
        agent.start(route).onComplete(started -> {
            if (started.succeeded()) {
                onReady(started.result());
            } else {
                onStartFailed(started.cause());
            }
        });
    }

    private void onReady(Instance instance) {
        List<Waiter> served;
        boolean stopNow = false;
        synchronized (this) {
            starting--;
            ready.add(instance);
            if (retired) {
                instance.drain();
            }
            served = new ArrayList<>(waiters.size());
            Waiter waiter;
            while ((waiter = waiters.pollFirst()) != null) {
                Instance chosen = PowerOfTwoChoices.pick(ready);
                chosen.callStarted();
                waiter.lease = Lease.onInstance(this, chosen);
                served.add(waiter);
            }
            if (retired && instance.outstanding() == 0) {
                ready.remove(instance);
                stopNow = true;
            }
        }
        instance.exited().onComplete(code -> onExit(instance, code.result()));
        for (Waiter waiter : served) {
            vertx.cancelTimer(waiter.timer);
            if (!waiter.promise.tryComplete(waiter.lease)) {
                waiter.lease.release();
            }
        }
        if (stopNow) {
            agent.stop(instance);
        }
    }

    private void onStartFailed(Throwable cause) {
        List<Waiter> failed = List.of();
        synchronized (this) {
            starting--;
            if (ready.isEmpty() && starting == 0) {
                failed = new ArrayList<>(waiters);
                waiters.clear();
            }
        }
        LOG.log(Level.WARNING, cause.getMessage());
        for (Waiter waiter : failed) {
            vertx.cancelTimer(waiter.timer);
            waiter.promise.tryFail(cause);
        }
    }

    private void onExit(Instance instance, Integer code) {
        boolean unexpected;
        synchronized (this) {
            unexpected = ready.remove(instance) && !instance.draining() && !agent.isClosing();
        }
        if (unexpected) {
            LOG.log(
                    Level.WARNING,
                    "{0} of lever://{1}/{2} v{3} exited with code {4}; the next call starts a new one",
                    instance,
                    route.environment(),
                    route.service(),
                    route.versionNumber(),
                    code);
        }
    }

    private void timeout(Waiter waiter) {
        synchronized (this) {
            if (!waiters.remove(waiter)) {
                return;
            }
        }
        waiter.promise.tryFail(new CallException(
                ErrorCode.NO_INSTANCE,
                "no instance of service '" + route.service() + "' v" + route.versionNumber() + " in environment '"
                        + route.environment() + "' became ready within " + settings.queueTimeoutMs()
                        + " ms; see its output with `lever logs " + route.service() + "`"));
    }

    void release(Instance instance) {
        boolean stopNow = false;
        synchronized (this) {
            instance.callEnded(System.nanoTime());
            if (instance.draining() && instance.outstanding() == 0 && waiters.isEmpty()) {
                stopNow = ready.remove(instance);
            }
        }
        if (stopNow) {
            agent.stop(instance);
        }
    }

    /** The version is no longer live: drain every instance, stopping each once its calls are done. */
    void retire() {
        List<Instance> stopNow = new ArrayList<>();
        synchronized (this) {
            retired = true;
            for (Instance instance : ready) {
                instance.drain();
                if (instance.outstanding() == 0 && waiters.isEmpty()) {
                    stopNow.add(instance);
                }
            }
            ready.removeAll(stopNow);
        }
        stopNow.forEach(agent::stop);
    }

    /** Stops instances idle longer than the version's idle timeout, keeping {@code minInstances}. */
    void expireIdle(long nowNanos) {
        List<Instance> stopNow = new ArrayList<>();
        long idleNanos = route.idleTimeoutMs() * 1_000_000L;
        synchronized (this) {
            for (int i = ready.size() - 1; i >= 0 && ready.size() > route.minInstances(); i--) {
                Instance instance = ready.get(i);
                if (instance.outstanding() == 0 && nowNanos - instance.lastUsedNanos() > idleNanos) {
                    ready.remove(i);
                    instance.drain();
                    stopNow.add(instance);
                }
            }
        }
        for (Instance instance : stopNow) {
            LOG.log(
                    Level.INFO,
                    "{0} of lever://{1}/{2} idle for {3} ms: stopping it",
                    instance,
                    route.environment(),
                    route.service(),
                    route.idleTimeoutMs());
            agent.stop(instance);
        }
    }

    /** How many ready instances take calls (draining ones do not). */
    synchronized int readyCount() {
        int count = 0;
        for (Instance instance : ready) {
            if (!instance.draining()) {
                count++;
            }
        }
        return count;
    }

    /** The ready instances, for tests and diagnostics. */
    synchronized List<Instance> readyInstances() {
        return List.copyOf(ready);
    }

    private static final class Waiter {
        final Promise<Lease> promise = Promise.promise();
        long timer;
        Lease lease;
    }
}
