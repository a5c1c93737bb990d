package io.leveros.dataplane.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The routing table currently served, swapped as a whole when a newer snapshot arrives. Readers
 * call {@link #table()} (a volatile read) on every request; there is no lock on the request path.
 */
public final class RoutingState {
    /** How long the forwarding key before a change still passes: calls already sent with it finish. */
    public static final long FORWARDING_KEY_OVERLAP_NANOS = 10_000_000_000L;

    private volatile RoutingTable table = RoutingTable.EMPTY;
    private volatile String previousForwardingKey = "";
    private volatile long previousForwardingKeyUntilNanos;
    private final List<Consumer<RoutingTable>> listeners = new CopyOnWriteArrayList<>();

    public RoutingTable table() {
        return table;
    }

    /** Whether a snapshot has arrived since start. */
    public boolean ready() {
        return table.revision() >= 0;
    }

    /**
     * The forwarding key before the last change (a node was revoked), for {@link
     * #FORWARDING_KEY_OVERLAP_NANOS} after the change; else empty (nothing passes with it).
     */
    public String previousForwardingKey(long nowNanos) {
        return nowNanos - previousForwardingKeyUntilNanos < 0 ? previousForwardingKey : "";
    }

    /** Called with every new table after it is swapped in, on the thread that swapped it. */
    public void onChange(Consumer<RoutingTable> listener) {
        listeners.add(listener);
    }

    /**
     * Swaps in {@code next} unless it is older than the current table.
     *
     * @return whether it was swapped in
     */
    public boolean update(RoutingTable next) {
        return update(next, false);
    }

    /**
     * Swaps in {@code next} unless it is older than the current table; when {@code otherSource}, only
     * by revision: cluster revisions are counted by each control plane, so one from another control
     * plane than the current table's does not order them.
     *
     * @return whether it was swapped in
     */
    public boolean update(RoutingTable next, boolean otherSource) {
        synchronized (this) {
            if (otherSource ? next.revision() < table.revision() : next.olderThan(table)) {
                return false;
            }
            if (!table.forwardingKey().isEmpty() && !table.forwardingKey().equals(next.forwardingKey())) {
                previousForwardingKey = table.forwardingKey();
                previousForwardingKeyUntilNanos = System.nanoTime() + FORWARDING_KEY_OVERLAP_NANOS;
            }
            table = next;
        }
        for (Consumer<RoutingTable> listener : listeners) {
            listener.accept(next);
        }
        return true;
    }
}
