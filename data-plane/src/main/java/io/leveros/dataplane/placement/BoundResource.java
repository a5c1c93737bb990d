package io.leveros.dataplane.placement;

import io.leveros.dataplane.instance.Instance;
import io.leveros.proto.control.ResourceKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.SocketAddress;

/**
 * One resource binding as this node knows it: held by one of its instances ({@link #instance}), or
 * by another node ({@link #ownerAddress}), with the binding's epoch.
 *
 * <p>A local binding counts its calls in flight; once it is closing (its instance drains, or it
 * idled out), new calls wait for {@link #closed()} and bind again, and the close runs when the last
 * call in flight ends. Guarded by {@code this}; {@link #lastCallNanos} is only ever a hint.
 */
final class BoundResource {
    final String key;
    final ResourceKey resourceKey;
    final long epoch;
    /** The version's {@code resourceIdleTimeout}. */
    final long idleTimeoutNanos;
    /** The instance here that holds it, or {@code null} when another node does. */
    final Instance instance;

    final String ownerNode;
    final SocketAddress ownerAddress;
    /** When the last call ended (or the binding was made): idle time and the reports' "last call". */
    volatile long lastCallNanos = System.nanoTime();

    private int inFlight;
    private Promise<Void> closed;
    private Runnable whenIdle;

    private BoundResource(
            String key,
            ResourceKey resourceKey,
            long idleTimeoutMs,
            long epoch,
            Instance instance,
            String ownerNode,
            SocketAddress ownerAddress) {
        this.key = key;
        this.resourceKey = resourceKey;
        this.idleTimeoutNanos = idleTimeoutMs * 1_000_000L;
        this.epoch = epoch;
        this.instance = instance;
        this.ownerNode = ownerNode;
        this.ownerAddress = ownerAddress;
    }

    static BoundResource local(
            String key, ResourceKey resourceKey, long idleTimeoutMs, long epoch, Instance instance, String node) {
        return new BoundResource(key, resourceKey, idleTimeoutMs, epoch, instance, node, null);
    }

    static BoundResource remote(
            String key, ResourceKey resourceKey, long idleTimeoutMs, long epoch, String node, SocketAddress address) {
        return new BoundResource(key, resourceKey, idleTimeoutMs, epoch, null, node, address);
    }

    boolean isLocal() {
        return instance != null;
    }

    String resource() {
        return resourceKey.getResource();
    }

    /** A call is delivered; {@code false} (nothing counted) once the binding is closing. */
    synchronized boolean callStarted() {
        if (closed != null) {
            return false;
        }
        inFlight++;
        return true;
    }

    void callEnded() {
        Runnable run;
        synchronized (this) {
            inFlight--;
            lastCallNanos = System.nanoTime();
            if (inFlight > 0 || whenIdle == null) {
                return;
            }
            run = whenIdle;
            whenIdle = null;
        }
        run.run();
    }

    /**
     * Starts closing: no new call is delivered; {@code close} runs once no call is in flight (now,
     * or when the last one ends). Answers {@code false} when it was already closing.
     */
    boolean closeWhenIdle(Runnable close) {
        synchronized (this) {
            if (closed != null) {
                return false;
            }
            closed = Promise.promise();
            if (inFlight > 0) {
                whenIdle = close;
                return true;
            }
        }
        close.run();
        return true;
    }

    synchronized boolean closing() {
        return closed != null;
    }

    synchronized boolean idleSince(long cutoffNanos) {
        return inFlight == 0 && closed == null && lastCallNanos < cutoffNanos;
    }

    /** Completes once the binding is closed and given up; only while {@link #closing()}. */
    synchronized Future<Void> closed() {
        return closed.future();
    }

    /** The binding is closed and given up: the calls waiting for that go on. */
    void finishClosing() {
        Promise<Void> done;
        synchronized (this) {
            if (closed == null) {
                closed = Promise.promise();
            }
            done = closed;
        }
        done.tryComplete();
    }
}
