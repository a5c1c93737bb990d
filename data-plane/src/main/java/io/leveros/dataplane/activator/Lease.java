package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.peer.Peer;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call's claim on where it is sent: an instance on this node, a peer node that serves the
 * version with its own instances, or the node that owns the call's resource. Counted as load until
 * {@link #release()}d. A stream may release it from the callbacks of either of its two
 * connections, so release is atomic.
 */
public final class Lease {
    /** Sets {@link #released} once, without an atomic object per call. */
    private static final AtomicIntegerFieldUpdater<Lease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");

    private final ServicePool pool;
    private final Instance instance;
    private final Peer peer;
    private final SocketAddress ownerAddress;
    private final String ownerNode;
    private final long resourceEpoch;
    private final String service;
    private final long startedNanos;
    /** 1 once released. */
    private volatile int released;

    private volatile boolean stream;
    private volatile Runnable onRelease;

    private Lease(
            ServicePool pool,
            Instance instance,
            Peer peer,
            SocketAddress ownerAddress,
            String ownerNode,
            long resourceEpoch,
            String service,
            long startedNanos) {
        this.pool = pool;
        this.instance = instance;
        this.peer = peer;
        this.ownerAddress = ownerAddress;
        this.ownerNode = ownerNode;
        this.resourceEpoch = resourceEpoch;
        this.service = service;
        this.startedNanos = startedNanos;
    }

    /** @param startedNanos when the call got the instance, for its latency */
    static Lease onInstance(ServicePool pool, Instance instance, long startedNanos) {
        return new Lease(pool, instance, null, null, null, 0, instance.route().service(), startedNanos);
    }

    /**
     * A call the data plane makes itself to warm up a new instance ({@link InstanceWarmUp}): counted
     * nowhere, and its release does nothing.
     */
    public static Lease forWarmUp(Instance instance) {
        return new Lease(null, instance, null, null, null, 0, instance.route().service(), 0);
    }

    static Lease onPeer(Peer peer, ServiceRoute route) {
        peer.callStarted();
        return new Lease(null, null, peer, null, null, 0, route.service(), 0);
    }

    /**
     * A call for a resource that another node owns: sent to that node's forwarding port with the
     * binding's epoch, which the owner checks before delivering it.
     */
    public static Lease onResourceOwner(SocketAddress address, String node, long epoch, ServiceRoute route) {
        return new Lease(null, null, null, address, node, epoch, route.service(), 0);
    }

    /** The instance on this node the call goes to, or {@code null} for another node. */
    public Instance instance() {
        return instance;
    }

    /** Whether the call goes to another node's forwarding port. */
    public boolean onPeer() {
        return instance == null;
    }

    /** The epoch of the resource binding sent to the owner node, 0 when the call goes elsewhere. */
    public long resourceEpoch() {
        return resourceEpoch;
    }

    /** The other node the call goes to, or {@code null} for an instance here. */
    public String node() {
        if (instance != null) {
            return null;
        }
        return peer != null ? peer.nodeId() : ownerNode;
    }

    /** Where the call goes: the instance's port on loopback, or the other node's forwarding port. */
    public SocketAddress address() {
        if (instance != null) {
            return instance.address();
        }
        return peer != null ? peer.address() : ownerAddress;
    }

    /** Names the destination in error messages (built only then): {@code instance i-3 of service 'hello'}. */
    public String destination() {
        if (instance != null) {
            return "instance " + instance.id() + " of service '" + service + "'";
        }
        return (peer != null ? peer.toString() : "node '" + ownerNode + "' (" + ownerAddress + ")")
                + ", which serves service '" + service + "'";
    }

    /**
     * The lease carries a stream: it counts as an open stream, and its duration is not a call's
     * latency. Called once, when the stream is open.
     */
    public void forStream() {
        stream = true;
        if (pool != null) {
            pool.streamOpened();
        }
    }

    /**
     * The lease's instance refused a call unprocessed: it took no connection (its listener closed) or
     * refused the call's stream (past its GOAWAY). It was stopped from outside the platform, or crashed,
     * and its exit is not known yet: no more calls go to it.
     */
    public void refusedCalls() {
        if (pool != null) {
            pool.refusedCalls(instance);
        }
    }

    /** Runs {@code action} when the lease is released (a bound resource counting its calls in flight). */
    public void onRelease(Runnable action) {
        this.onRelease = action;
    }

    /** Ends the call's claim, the call counted as answered without error; idempotent. */
    public void release() {
        release(false);
    }

    /**
     * Ends the call's claim; idempotent (the first release counts). A call on an instance here
     * counts as failed in the node's reports if {@code failed}: the service answered its error, or
     * the call ends with a platform 5xx ({@link io.leveros.dataplane.call.CallOutcome#failed}).
     */
    public void release(boolean failed) {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            if (pool != null) {
                pool.release(instance, startedNanos, stream, failed);
            } else if (peer != null) {
                peer.callEnded();
            }
            Runnable action = onRelease;
            if (action != null) {
                action.run();
            }
        }
    }
}
