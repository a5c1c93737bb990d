package io.leveros.dataplane.instance;

import io.leveros.dataplane.balancing.ResourceHost;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ready instance as the request path sees it: where to send calls, and how many are in flight.
 * The load counters are guarded by the owning pool's lock (see {@code activator.ServicePool}).
 */
public final class Instance implements ResourceHost {
    private static final long PAGE_SIZE = 4096;

    private final ServiceRoute route;
    private final InstanceHandle handle;
    private final Future<Integer> exited;
    private final SocketAddress address;
    private final long startedAtUnixMs = System.currentTimeMillis();
    private volatile long rssBytes;
    private volatile long rssReadNanos;
    private int outstanding;
    private long lastUsedNanos = System.nanoTime();
    private boolean draining;
    /** Resources bound to this instance; changed by the resource placement, read by the pool. */
    private final AtomicInteger boundResources = new AtomicInteger();

    Instance(ServiceRoute route, InstanceHandle handle, Future<Integer> exited) {
        this.route = route;
        this.handle = handle;
        this.exited = exited;
        this.address = SocketAddress.inetSocketAddress(handle.port(), "127.0.0.1");
    }

    public ServiceRoute route() {
        return route;
    }

    public InstanceHandle handle() {
        return handle;
    }

    public String id() {
        return handle.instanceId();
    }

    public int port() {
        return handle.port();
    }

    /** Where calls go: the instance's port on loopback. */
    public SocketAddress address() {
        return address;
    }

    public long startedAtUnixMs() {
        return startedAtUnixMs;
    }

    /**
     * Resident memory, from {@code /proc/<pid>/statm} (a kernel read that never waits on a disk),
     * read at most every 2 s; 0 when unknown.
     */
    public long rssBytes() {
        long now = System.nanoTime();
        if (now - rssReadNanos > 2_000_000_000L && handle.pid() > 0) {
            rssReadNanos = now;
            try {
                String[] statm = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "statm"))
                        .trim()
                        .split(" ");
                rssBytes = Long.parseLong(statm[1]) * PAGE_SIZE;
            } catch (IOException | RuntimeException e) {
                rssBytes = 0; // gone, or not Linux
            }
        }
        return rssBytes;
    }

    /** Completes (on an event loop) when the process has exited. */
    public Future<Integer> exited() {
        return exited;
    }

    @Override
    public int outstanding() {
        return outstanding;
    }

    public void callStarted() {
        outstanding++;
    }

    public void callEnded(long nowNanos) {
        outstanding--;
        lastUsedNanos = nowNanos;
    }

    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    @Override
    public int boundResources() {
        return boundResources.get();
    }

    public void resourceBound() {
        boundResources.incrementAndGet();
    }

    public void resourceUnbound() {
        boundResources.decrementAndGet();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    public void drain() {
        draining = true;
    }

    /**
     * How log lines name it: the instance, then the version it serves ({@code instance 4a46495d7fd8c234
     * (pid 20642, port 52509) of lever://dev.lever/helloService v1}).
     */
    public String describe() {
        return handle + " of " + route.versionName();
    }

    @Override
    public String toString() {
        return handle.toString();
    }
}
