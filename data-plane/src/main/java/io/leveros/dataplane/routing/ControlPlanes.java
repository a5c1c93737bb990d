package io.leveros.dataplane.routing;

import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The control planes this data plane knows ({@code --control-plane A:8091,B:8091}), in the order
 * given, and the one its routes come from. Every node is given the same order, so in normal
 * operation all take their routes (and resource bindings) from the first; reports go to every one.
 *
 * <p>Thread-safety: the list is immutable; {@link #routesFrom()} is a volatile read.
 */
public final class ControlPlanes {
    private final List<SocketAddress> addresses;
    private volatile SocketAddress routesFrom;

    private ControlPlanes(List<SocketAddress> addresses) {
        this.addresses = List.copyOf(addresses);
        this.routesFrom = addresses.getFirst();
    }

    /**
     * Parses {@code host:port[,host:port...]}.
     *
     * @param option the option's name, for the error message
     * @throws IllegalArgumentException naming the list, the bad entry and what was expected
     */
    public static ControlPlanes parse(String option, String list) {
        List<SocketAddress> addresses = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            String hostPort = entry.trim();
            int colon = hostPort.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(option + ": '" + list + "': '" + hostPort
                        + "' is not an address (expected: HOST:PORT[,HOST:PORT...], port 1-65535,"
                        + " e.g. 10.0.0.1:8091,10.0.0.2:8091)");
            }
            SocketAddress address = SocketAddress.inetSocketAddress(port, hostPort.substring(0, colon));
            if (addresses.contains(address)) {
                throw new IllegalArgumentException(
                        option + ": '" + list + "' names " + hostPort + " twice (expected: each control plane once)");
            }
            addresses.add(address);
        }
        return new ControlPlanes(addresses);
    }

    /** Every control plane, in the order given. */
    public List<SocketAddress> all() {
        return addresses;
    }

    /**
     * The control plane the current routes come from, the resource authority: the first until a
     * stream to another one delivered a snapshot.
     */
    public SocketAddress routesFrom() {
        return routesFrom;
    }

    /** A stream from {@code address} delivered a snapshot: its routes are now the ones served. */
    void routesFrom(SocketAddress address) {
        routesFrom = address;
    }

    @Override
    public String toString() {
        return String.join(",", addresses.stream().map(Object::toString).toList());
    }
}
