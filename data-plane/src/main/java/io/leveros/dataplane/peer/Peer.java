package io.leveros.dataplane.peer;

import io.leveros.dataplane.balancing.Loaded;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another node with ready instances of one live version, reached at its forwarding port. Counts the
 * calls this node has forwarded to it and not yet seen answered, so peers are balanced like
 * instances are.
 */
public final class Peer implements Loaded {
    private final String nodeId;
    private final SocketAddress address;
    private final int readyInstances;
    private final AtomicInteger outstanding = new AtomicInteger();

    public Peer(String nodeId, SocketAddress address, int readyInstances) {
        this.nodeId = nodeId;
        this.address = address;
        this.readyInstances = readyInstances;
    }

    /**
     * Parses a forwarding address, {@code host:port}.
     *
     * @throws IllegalArgumentException naming the address and what was expected
     */
    public static SocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (colon <= 0 || port <= 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return SocketAddress.inetSocketAddress(port, hostPort.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "forwarding address '" + hostPort + "' (expected: host:port, port 1-65535)");
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public SocketAddress address() {
        return address;
    }

    public int readyInstances() {
        return readyInstances;
    }

    /** Calls in flight per ready instance there, so a node with more instances takes more. */
    @Override
    public int outstanding() {
        return outstanding.get() / Math.max(1, readyInstances);
    }

    public void callStarted() {
        outstanding.incrementAndGet();
    }

    public void callEnded() {
        outstanding.decrementAndGet();
    }

    @Override
    public String toString() {
        return "node '" + nodeId + "' (" + address + ")";
    }
}
