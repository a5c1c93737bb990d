package io.leveros.dataplane.instance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds a free loopback port for a new instance: any free port (range 0), or the next free one of
 * a configured range, tried round robin. Called on the launcher thread, never on an event loop.
 */
public final class PortAllocator {
    private final int first;
    private final int last;
    private int next;

    /** @param first first port of the range, or 0 for any free port (then {@code last} is ignored) */
    public PortAllocator(int first, int last) {
        if (first < 0 || first > 65535 || (first > 0 && (last < first || last > 65535))) {
            throw new IllegalArgumentException("instance port range: " + first + "-" + last
                    + " (expected: 0 for any free port, or first-last within 1-65535)");
        }
        this.first = first;
        this.last = first == 0 ? 0 : last;
        this.next = first;
    }

    /** Parses {@code 0} or {@code 20000-20999}. */
    public static PortAllocator parse(String text) {
        int dash = text.indexOf('-');
        if (dash < 0) {
            int port = Integer.parseInt(text.trim());
            return new PortAllocator(port, port);
        }
        return new PortAllocator(
                Integer.parseInt(text.substring(0, dash).trim()),
                Integer.parseInt(text.substring(dash + 1).trim()));
    }

    public synchronized int allocate() {
        if (first == 0) {
            return bind(0);
        }
        int size = last - first + 1;
        for (int i = 0; i < size; i++) {
            int port = next;
            next = next == last ? first : next + 1;
            if (bind(port) > 0) {
                return port;
            }
        }
        throw new IllegalStateException("no free port left in the instance port range " + first + "-" + last
                + "; widen it with --instance-ports or use 0 for any free port");
    }

    private static int bind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            if (port == 0) {
                throw new UncheckedIOException("could not find a free loopback port", e);
            }
            return -1;
        }
    }
}
