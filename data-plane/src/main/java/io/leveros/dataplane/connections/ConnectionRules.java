package io.leveros.dataplane.connections;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a request's headers may take and how many connections a port takes at once, applied to
 * every port of the Vert.x instance built with {@link #transport()}; what they refuse is counted
 * by ingress ({@link #name}) and reason.
 */
public final class ConnectionRules {
    private final long headerTimeoutMs;
    private final int maxConnections;
    private final Map<Integer, String> ingressByPort = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> openByPort = new ConcurrentHashMap<>();
    private volatile ClientRefusals refusals;

    /**
     * @param headerTimeout how long a request's headers may take, from their first byte or the
     *     connection's start
     * @param maxConnections connections each listening port takes at once
     */
    public ConnectionRules(Duration headerTimeout, int maxConnections) {
        this.headerTimeoutMs = headerTimeout.toMillis();
        this.maxConnections = maxConnections;
    }

    /**
     * The native epoll transport where it loads (Linux), else NIO, with these rules on every server
     * it binds.
     */
    public Transport transport() {
        GuardedEpollTransport epoll = new GuardedEpollTransport(this);
        if (epoll.isAvailable()) {
            return new TransportInternal("epoll", true, null, epoll);
        }
        return new TransportInternal("nio", true, null, new GuardedNioTransport(this));
    }

    /** Where refusals are counted, once the metrics exist (none are counted before). */
    public void countRefusalsIn(ClientRefusals refusals) {
        this.refusals = refusals;
    }

    /** Names the ingress listening on {@code port}, for the refusals' counts. */
    public void name(int port, String ingress) {
        ingressByPort.put(port, ingress);
    }

    /** The connections open on {@code port} now. */
    public int open(int port) {
        AtomicInteger open = openByPort.get(port);
        return open == null ? 0 : open.get();
    }

    public int maxConnections() {
        return maxConnections;
    }

    void listening(int port, AtomicInteger open) {
        openByPort.put(port, open);
    }

    long headerTimeoutMs() {
        return headerTimeoutMs;
    }

    String headerTimeoutText() {
        Duration timeout = Duration.ofMillis(headerTimeoutMs);
        return timeout.toMillisPart() == 0 ? timeout.toSeconds() + "s" : headerTimeoutMs + "ms";
    }

    void refused(int port, String reason) {
        ClientRefusals counts = refusals;
        if (counts != null) {
            counts.record(ingressByPort.getOrDefault(port, "port " + port), reason);
        }
    }
}
