package io.leveros.controlplane.node;

import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data planes that report ready instances, and what each serves. A report that changes nothing
 * only renews the node; one that changes what it serves, a new node and a dropped one each make a
 * new revision and tell the listeners (the routes publisher).
 *
 * <p>Thread-safety: reports arrive on gRPC threads, {@link #expire} on a timer; changes are
 * serialized on {@code this}, readers see an immutable list.
 */
public final class NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final Duration expiry;
    private final Map<String, Reported> reported = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Known known = new Known(0, List.of());

    private record Reported(Node node, long seenNanos) {}

    /** The known nodes by node id, at one revision (which grows with every change). */
    public record Known(long revision, List<Node> nodes) {}

    /** @param expiry how long a node stays known without a report */
    public NodeRegistry(Duration expiry) {
        this.expiry = expiry;
    }

    /** Called after every change, on the thread that made it. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public Known known() {
        return known;
    }

    /** A data plane's report of what it serves now. */
    public void report(InstanceReport report) {
        Node node = Node.newBuilder()
                .setNodeId(report.getNodeId())
                .setForwardingAddress(report.getForwardingAddress())
                .addAllServing(report.getServingList())
                .build();
        boolean changed;
        synchronized (this) {
            Reported before = reported.put(node.getNodeId(), new Reported(node, System.nanoTime()));
            changed = before == null || !before.node().equals(node);
            if (before == null) {
                log.info("Node '{}' reports, forwarding address {}", node.getNodeId(), node.getForwardingAddress());
            }
            if (changed) {
                rebuild();
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    /** The node closed its routes stream: its instances are no longer reachable through it. */
    public void forget(String nodeId) {
        boolean changed;
        synchronized (this) {
            changed = reported.remove(nodeId) != null;
            if (changed) {
                rebuild();
            }
        }
        if (changed) {
            log.info("Node '{}' left", nodeId);
            listeners.forEach(Runnable::run);
        }
    }

    /** Drops the nodes whose last report is older than the expiry. */
    public void expire(long nowNanos) {
        boolean changed = false;
        synchronized (this) {
            for (Map.Entry<String, Reported> entry : reported.entrySet()) {
                if (nowNanos - entry.getValue().seenNanos() > expiry.toNanos()) {
                    reported.remove(entry.getKey());
                    log.warn("Node '{}' sent no report for {}: dropped", entry.getKey(), expiry);
                    changed = true;
                }
            }
            if (changed) {
                rebuild();
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    private void rebuild() {
        known = new Known(
                known.revision() + 1,
                reported.values().stream()
                        .map(Reported::node)
                        .sorted(Comparator.comparing(Node::getNodeId))
                        .toList());
    }
}
