package io.leveros.dataplane.activator;

import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.peer.Peer;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's claim on where it is sent: an instance on this node, or a peer node that serves the
 * version with its own instances. Counted as load until {@link #release()}d. A stream may release
 * it from the callbacks of either of its two connections, so release is atomic.
 */
public final class Lease {
    private final ServicePool pool;
    private final Instance instance;
    private final Peer peer;
    private final String service;
    private final long startedNanos;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean stream;

    private Lease(ServicePool pool, Instance instance, Peer peer, String service, long startedNanos) {
        this.pool = pool;
        this.instance = instance;
        this.peer = peer;
        this.service = service;
        this.startedNanos = startedNanos;
    }

    /** @param startedNanos when the call got the instance, for its latency */
    static Lease onInstance(ServicePool pool, Instance instance, long startedNanos) {
        return new Lease(pool, instance, null, instance.route().service(), startedNanos);
    }

    static Lease onPeer(Peer peer, ServiceRoute route) {
        peer.callStarted();
        return new Lease(null, null, peer, route.service(), 0);
    }

    /** The instance on this node the call goes to, or {@code null} for a peer. */
    public Instance instance() {
        return instance;
    }

    /** Whether the call goes to another node's forwarding port. */
    public boolean onPeer() {
        return peer != null;
    }

    /** Where the call goes: the instance's port on loopback, or the peer's forwarding port. */
    public SocketAddress address() {
        return instance != null ? instance.address() : peer.address();
    }

    /** Names the destination in error messages (built only then): {@code instance i-3 of service 'hello'}. */
    public String destination() {
        return instance != null
                ? "instance " + instance.id() + " of service '" + service + "'"
                : peer + ", which serves service '" + service + "'";
    }

    /**
     * The lease carries a stream: it counts as an open stream, and its duration is not a call's
     * latency. Called once, when the stream is open.
     */
    public void forStream() {
        stream = true;
        if (instance != null) {
            pool.streamOpened();
        }
    }

    /** Ends the call's claim; idempotent. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            if (instance != null) {
                pool.release(instance, startedNanos, stream);
            } else {
                peer.callEnded();
            }
        }
    }
}
