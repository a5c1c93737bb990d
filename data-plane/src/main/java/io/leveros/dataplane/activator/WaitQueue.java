package io.leveros.dataplane.activator;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls of one pool waiting for an instance, first come first served: at most {@code
 * --max-queued-calls} of them, each with its own timer so that none waits longer than {@code
 * timeoutMs}. A waiter wants either any instance (a plain call) or one with room for a new resource.
 *
 * <p>Not thread-safe: used under its {@link ServicePool}'s lock, except {@link #answer} and {@link
 * #fail}, which touch only the waiter and are called outside it. A timer calls {@code timedOut} on
 * an event loop without the lock, also for a waiter that was taken out meanwhile: the handler takes
 * the lock and answers the waiter only if {@link #remove} finds it.
 */
final class WaitQueue {
    private final Vertx vertx;
    private final int maxQueuedCalls;
    private final long timeoutMs;
    private final Handler<Waiter> timedOut;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    WaitQueue(Vertx vertx, int maxQueuedCalls, long timeoutMs, Handler<Waiter> timedOut) {
        this.vertx = vertx;
        this.maxQueuedCalls = maxQueuedCalls;
        this.timeoutMs = timeoutMs;
        this.timedOut = timedOut;
    }

    int size() {
        return waiters.size();
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** Whether {@code --max-queued-calls} calls wait already. */
    boolean full() {
        return waiters.size() >= maxQueuedCalls;
    }

    /**
     * The answer to a call that finds the queue {@link #full()}. A call for a new resource names
     * the service only (as it always has); a plain call names its environment too.
     */
    CallException tooMany(ServiceRoute route, boolean forResource) {
        String where = forResource ? "" : " in environment '" + route.environment() + "'";
        return new CallException(
                ErrorCode.TOO_MANY_WAITING,
                "too many calls (" + waiters.size() + ") are waiting for an instance of service '" + route.service()
                        + "'" + where + " to start (--max-queued-calls); retry later");
    }

    /** A new waiter at the end of the queue, its timer started. The caller checks {@link #full()} first. */
    Waiter add(boolean forResource) {
        Waiter waiter = new Waiter(forResource);
        waiters.addLast(waiter);
        waiter.timer = vertx.setTimer(timeoutMs, id -> timedOut.handle(waiter));
        return waiter;
    }

    /** How many waiters want an instance with room for a new resource. */
    int waitingForResources() {
        int count = 0;
        for (Waiter waiter : waiters) {
            count += waiter.forResource ? 1 : 0;
        }
        return count;
    }

    /** Takes {@code waiter} out; false when it is no longer here (it was served or failed). */
    boolean remove(Waiter waiter) {
        return waiters.remove(waiter);
    }

    /** Takes out the waiter that came first, or {@code null} when none waits. */
    Waiter poll() {
        return waiters.pollFirst();
    }

    /** Takes out every waiter, first come first. */
    List<Waiter> removeAll() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }

    /**
     * Outside the lock: stops {@code waiter}'s timer and answers it as it was {@link Waiter#serve
     * served} or {@link Waiter#refuse refused}. False when it had an answer already: then the lease
     * it was served is the caller's to give back.
     */
    boolean answer(Waiter waiter) {
        vertx.cancelTimer(waiter.timer);
        return waiter.refusal != null
                ? waiter.promise.tryFail(waiter.refusal)
                : waiter.promise.tryComplete(waiter.lease);
    }

    /** Outside the lock: stops {@code waiter}'s timer and fails it with {@code cause}, unless it had an answer. */
    void fail(Waiter waiter, Throwable cause) {
        vertx.cancelTimer(waiter.timer);
        waiter.promise.tryFail(cause);
    }

    /** One call waiting for an instance. */
    static final class Waiter {
        private final Promise<Lease> promise = Promise.promise();
        private final boolean forResource;
        private long timer;
        private Lease lease;
        private CallException refusal;

        private Waiter(boolean forResource) {
            this.forResource = forResource;
        }

        /** Whether it waits for an instance with room for a new resource. */
        boolean forResource() {
            return forResource;
        }

        /** Completes with the lease once answered. */
        Future<Lease> future() {
            return promise.future();
        }

        /** Under the lock: it gets {@code lease} when {@link WaitQueue#answer answered}. */
        void serve(Lease lease) {
            this.lease = lease;
        }

        /** Under the lock: it fails with {@code refusal} when {@link WaitQueue#answer answered}. */
        void refuse(CallException refusal) {
            this.refusal = refusal;
        }

        /** The lease it was served, or {@code null}. */
        Lease lease() {
            return lease;
        }
    }
}
