package io.leveros.dataplane.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The routing table currently served, swapped as a whole when a newer snapshot arrives. Readers
 * call {@link #table()} (a volatile read) on every request; there is no lock on the request path.
 */
public final class RoutingState {
    private volatile RoutingTable table = RoutingTable.EMPTY;
    private final List<Consumer<RoutingTable>> listeners = new CopyOnWriteArrayList<>();

    public RoutingTable table() {
        return table;
    }

    /** Whether a snapshot has arrived since start. */
    public boolean ready() {
        return table.revision() >= 0;
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
            table = next;
        }
        for (Consumer<RoutingTable> listener : listeners) {
            listener.accept(next);
        }
        return true;
    }
}
