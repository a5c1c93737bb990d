package io.leveros.controlplane.node;

import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.ServingVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data planes that report, with their last full report (instances and load, for the
 * autoscaler and the status API) and the routing view of it that data planes need (which versions
 * each node has ready instances of, and where to forward to). A change of the routing view, a new
 * node and a dropped one each make a new revision and tell the listeners (the routes publisher);
 * a report that changes only the load does not.
 *
 * <p>Thread-safety: reports arrive on gRPC threads, {@link #expire} on a timer; changes are
 * serialized on {@code this}, readers see an immutable list.
 */
public final class NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    /** A node's state while it reports on time. */
    public static final String READY = "ready";
    /** A node's state once it missed reports (two thirds of the expiry), until it is dropped ("dead"). */
    public static final String UNREACHABLE = "unreachable";

    /** The ram (lever.json, in bytes) of a version's instances; 0 when unknown or unlimited. */
    @FunctionalInterface
    public interface VersionRam {
        long bytes(String environment, String service, long version);
    }

    private final Duration expiry;
    private final long unreachableAfterNanos;
    private volatile VersionRam ram = (environment, service, version) -> 0;
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final Map<String, Reported> reported = new ConcurrentHashMap<>();
    /** When each node last reported, kept when it closes its routes stream (until it expires). */
    private final Map<String, Long> lastReportNanos = new ConcurrentHashMap<>();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> expiryListeners = new CopyOnWriteArrayList<>();
    private volatile Known known = new Known(0, List.of(), Map.of());

    private record Reported(Node node, InstanceReport report, long seenNanos) {}

    /**
     * The known nodes by node id, at one revision (which grows with every change of {@code nodes}).
     *
     * @param nodes the routing view: forwarding address and ready instances per version
     * @param reports each node's last full report, by node id
     */
    public record Known(long revision, List<Node> nodes, Map<String, InstanceReport> reports) {}

    /** @param expiry how long a node stays known without a report */
    public NodeRegistry(Duration expiry) {
        this.expiry = expiry;
        this.unreachableAfterNanos = expiry.toNanos() * 2 / 3;
    }

    /** How the memory the nodes' instances take is counted (the store knows each version's ram). */
    public void ram(VersionRam ram) {
        this.ram = ram;
    }

    /**
     * The memory {@code report}'s instances take by their ram (lever.json): ready and starting
     * instances of every version, live or not; and what the node's idle warm runtimes take.
     */
    public long reservedBytes(InstanceReport report) {
        long reserved = report.getWarmRuntimesBytes();
        for (ServingVersion serving : report.getServingList()) {
            int instances = serving.getReadyInstances() + serving.getStartingInstances();
            if (instances > 0) {
                reserved += instances * ram.bytes(serving.getEnvironment(), serving.getService(), serving.getVersion());
            }
        }
        return reserved;
    }

    /** Called after every change, on the thread that made it. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Called with the id of each node dropped because it sent no report for the expiry (not for a
     * node that only closed its routes stream), on the expiry timer's thread, after the change.
     */
    public void onExpiry(Consumer<String> listener) {
        expiryListeners.add(listener);
    }

    public Known known() {
        return known;
    }

    /** How long a node stays known without a report ({@code lever.node-expiry}). */
    public Duration expiry() {
        return expiry;
    }

    /**
     * Whether the node reported within the expiry, whether or not its routes stream is open: a node
     * whose stream broke for a moment still holds what the control plane granted it.
     */
    public boolean reporting(String nodeId, long nowNanos) {
        Long last = lastReportNanos.get(nodeId);
        return last != null && nowNanos - last <= expiry.toNanos();
    }

    /** A data plane's report of what it serves now. */
    public void report(InstanceReport report) {
        Node.Builder node = Node.newBuilder()
                .setNodeId(report.getNodeId())
                .setForwardingAddress(report.getForwardingAddress())
                .setMemoryTotalBytes(report.getMemoryTotalBytes())
                .setMemoryAvailableBytes(
                        report.getMemoryTotalBytes() == 0
                                ? 0
                                : Math.max(0, report.getMemoryTotalBytes() - reservedBytes(report)))
                .setState(READY);
        for (ServingVersion serving : report.getServingList()) {
            if (serving.getReadyInstances() > 0) {
                node.addServing(ServingVersion.newBuilder()
                        .setEnvironment(serving.getEnvironment())
                        .setService(serving.getService())
                        .setVersion(serving.getVersion())
                        .setReadyInstances(serving.getReadyInstances()));
            }
        }
        Node routed = node.build();
        boolean changed;
        synchronized (this) {
            long now = System.nanoTime();
            lastReportNanos.put(routed.getNodeId(), now);
            boolean wasUnreachable = unreachable.remove(routed.getNodeId());
            Reported before = reported.put(routed.getNodeId(), new Reported(routed, report, now));
            changed = before == null || wasUnreachable || !before.node().equals(routed);
            if (wasUnreachable) {
                log.info("Node '{}' reports again", routed.getNodeId());
            }
            if (before == null) {
                log.info("Node '{}' reports, forwarding address {}", routed.getNodeId(), routed.getForwardingAddress());
            }
            rebuild(changed);
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
            unreachable.remove(nodeId);
            if (changed) {
                rebuild(true);
            }
        }
        if (changed) {
            log.info("Node '{}' left", nodeId);
            listeners.forEach(Runnable::run);
        }
    }

    /**
     * Marks the nodes that missed reports {@link #UNREACHABLE}, drops those whose last report is
     * older than the expiry (they are dead: the autoscaler places their instances on the others),
     * and tells the expiry listeners.
     */
    public void expire(long nowNanos) {
        boolean changed = false;
        List<String> expired = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, Long> entry : lastReportNanos.entrySet()) {
                String nodeId = entry.getKey();
                long silentNanos = nowNanos - entry.getValue();
                if (silentNanos > unreachableAfterNanos
                        && silentNanos <= expiry.toNanos()
                        && reported.containsKey(nodeId)
                        && unreachable.add(nodeId)) {
                    log.warn(
                            "Node '{}' missed its reports for {} ms: unreachable",
                            nodeId,
                            Duration.ofNanos(silentNanos).toMillis());
                    changed = true;
                }
                if (silentNanos > expiry.toNanos()) {
                    lastReportNanos.remove(nodeId);
                    unreachable.remove(nodeId);
                    expired.add(nodeId);
                    if (reported.remove(nodeId) != null) {
                        log.warn("Node '{}' sent no report for {}: dropped", nodeId, expiry);
                        changed = true;
                    }
                }
            }
            if (changed) {
                rebuild(true);
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
        for (String nodeId : expired) {
            expiryListeners.forEach(listener -> listener.accept(nodeId));
        }
    }

    /** A new {@link Known}; a new revision when the routing view changed. */
    private void rebuild(boolean routingChanged) {
        Map<String, InstanceReport> reports = new TreeMap<>();
        reported.forEach((id, entry) -> reports.put(id, entry.report()));
        known = new Known(
                routingChanged ? known.revision() + 1 : known.revision(),
                routingChanged
                        ? reported.values().stream()
                                .map(Reported::node)
                                .map(node -> unreachable.contains(node.getNodeId())
                                        ? node.toBuilder().setState(UNREACHABLE).build()
                                        : node)
                                .sorted(Comparator.comparing(Node::getNodeId))
                                .toList()
                        : known.nodes(),
                Collections.unmodifiableMap(reports));
    }
}
