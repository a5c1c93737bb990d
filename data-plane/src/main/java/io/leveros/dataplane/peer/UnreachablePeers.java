package io.leveros.dataplane.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Nodes this node could not connect to a moment ago. A node that died or lost its link stays in
 * the routing snapshots until the control plane stops hearing from it (seconds); meanwhile calls
 * are not sent to it: the first call that finds it unreachable (nothing was delivered) is placed
 * again, elsewhere, and the node is left out of balancing for {@link #HOLD_NANOS}, after which one
 * call tries it again.
 */
public final class UnreachablePeers {
    /** Longer than the control plane takes to drop a silent node (docs/cluster.md). */
    static final long HOLD_NANOS = 10_000_000_000L;

    private final Map<String, Long> until = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public UnreachablePeers() {
        this(System::nanoTime);
    }

    UnreachablePeers(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * How often one call is placed again after finding nodes unreachable; each time the node it found
     * is left out, so this only bounds a call's detours when several nodes go at once.
     */
    public static final int MAX_DETOURS = 2;

    /** Records that {@code nodeId} could not be reached just now. */
    public void markUnreachable(String nodeId) {
        until.put(nodeId, clock.getAsLong() + HOLD_NANOS);
    }

    /** {@code peers} without the nodes held out; the same list (no copy) while none is. */
    public List<Peer> reachable(List<Peer> peers) {
        if (until.isEmpty()) {
            return peers;
        }
        long now = clock.getAsLong();
        until.values().removeIf(deadline -> deadline - now <= 0);
        List<Peer> reachable = new ArrayList<>(peers.size());
        for (Peer peer : peers) {
            if (!until.containsKey(peer.nodeId())) {
                reachable.add(peer);
            }
        }
        return reachable;
    }
}
