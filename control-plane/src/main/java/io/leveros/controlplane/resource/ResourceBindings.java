package io.leveros.controlplane.resource;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceState;
import io.leveros.proto.control.ResourceActivity;
import io.leveros.proto.control.ServingVersion;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binding authority: which node owns each resource of a version (docs/resources.md, "The single
 * owner and the fence").
 *
 * <p>{@link #bind} is serialized per key (one {@code compute} of one map): an unbound resource goes to
 * the asking node when it can host it, else to the reporting node with most room, else to the asking
 * node (which starts an instance); every later bind gets the same binding while its node reports. A
 * new binding takes the next epoch; epochs start at this process's start time in µs, so they grow
 * across restarts. Only the owner, with the binding's epoch, {@link #release}s it; a node that stops
 * reporting loses its bindings ({@link NodeRegistry#onExpiry}).
 *
 * <p>For the hold ({@code lever.node-expiry}, 6 s) after start, no binding is granted: a data plane's
 * bindings from before the restart stay valid until its lease (4 s after its last acknowledged report)
 * lapses, so binds wait out the hold on a timer (no gRPC thread is held) and are granted then.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class ResourceBindings {
    private static final Logger log = LoggerFactory.getLogger(ResourceBindings.class);

    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long holdEndsNanos;
    private final AtomicLong epochs;
    private final String controlPlaneId;
    private final Map<BindingKey, Binding> bindings = new ConcurrentHashMap<>();
    /** Bindings granted per node and version: room taken since the node's last report said otherwise. */
    private final Map<NodeVersion, AtomicInteger> granted = new ConcurrentHashMap<>();

    private record NodeVersion(String nodeId, String environment, String service, long version) {
        static NodeVersion of(Binding binding) {
            BindingKey key = binding.key();
            return new NodeVersion(binding.nodeId(), key.environment(), key.service(), key.version());
        }
    }

    /**
     * @param hold how long after start no binding is granted ({@code lever.node-expiry}); it starts now
     * @param nanoTime the monotonic clock the node registry's reports are timed on
     */
    public ResourceBindings(
            MetadataStore store, NodeRegistry nodes, Clock clock, LongSupplier nanoTime, Duration hold) {
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold: " + hold + " (expected: >= 0)");
        }
        this.store = store;
        this.nodes = nodes;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.holdEndsNanos = nanoTime.getAsLong() + hold.toNanos();
        this.epochs = new AtomicLong(ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()));
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        this.controlPlaneId = HexFormat.of().formatHex(id);
        nodes.onExpiry(this::dropNode);
    }

    /** Random, fixed for this process: a data plane that sees it change drops its bindings. */
    public String controlPlaneId() {
        return controlPlaneId;
    }

    /**
     * The binding of {@code key}: the existing one while its node reports, else a new one (after the
     * start-up hold).
     *
     * @param canHost the asking node has a ready instance of the version with room for one more
     * @return completed at once after the hold; during it, completed when the hold ends
     */
    public CompletableFuture<Binding> bind(String askingNode, BindingKey key, boolean canHost) {
        long holdLeft = holdEndsNanos - nanoTime.getAsLong();
        if (holdLeft > 0) {
            return CompletableFuture.supplyAsync(
                    () -> bindNow(askingNode, key, canHost),
                    CompletableFuture.delayedExecutor(holdLeft, TimeUnit.NANOSECONDS));
        }
        return CompletableFuture.completedFuture(bindNow(askingNode, key, canHost));
    }

    private Binding bindNow(String askingNode, BindingKey key, boolean canHost) {
        return bindings.compute(key, (k, existing) -> {
            long now = nanoTime.getAsLong();
            if (existing != null && nodes.reporting(existing.nodeId(), now)) {
                if (existing.forwardingAddress().isEmpty()) {
                    return existing.withAddress(forwardingAddress(existing.nodeId()));
                }
                return existing;
            }
            if (existing != null) {
                forgetGrant(existing);
                log.info("Resource {} moves from node '{}', which no longer reports", describe(key), existing.nodeId());
            }
            String owner = canHost ? askingNode : mostRoom(key).orElse(askingNode);
            Binding binding = new Binding(
                    key,
                    owner,
                    forwardingAddress(owner),
                    epochs.incrementAndGet(),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    null,
                    null);
            granted.computeIfAbsent(NodeVersion.of(binding), v -> new AtomicInteger())
                    .incrementAndGet();
            log.debug("Resource {} bound to node '{}', epoch {}", describe(key), owner, binding.epoch());
            return binding;
        });
    }

    /**
     * Gives a binding up.
     *
     * @return false when the binding was already gone, or is held by another node or under another
     *     epoch (then it stays)
     */
    public boolean release(String nodeId, BindingKey key, long epoch) {
        Binding[] released = new Binding[1];
        bindings.computeIfPresent(key, (k, binding) -> {
            if (binding.nodeId().equals(nodeId) && binding.epoch() == epoch) {
                released[0] = binding;
                return null;
            }
            return binding;
        });
        if (released[0] != null) {
            forgetGrant(released[0]);
            return true;
        }
        return false;
    }

    /** Drops every binding of a node that stopped reporting. */
    void dropNode(String nodeId) {
        int dropped = 0;
        for (Binding binding : bindings.values()) {
            if (binding.nodeId().equals(nodeId) && bindings.remove(binding.key(), binding)) {
                forgetGrant(binding);
                dropped++;
            }
        }
        if (dropped > 0) {
            log.warn(
                    "Node '{}' sent no report for {}: its {} resource bindings are dropped",
                    nodeId,
                    nodes.expiry(),
                    dropped);
        }
    }

    /**
     * What a node's report says of its resources: the instance that held each one called since its
     * previous report, and when. Only the owner's activity under the binding's epoch counts.
     */
    public void reported(InstanceReport report) {
        for (ServingVersion serving : report.getServingList()) {
            for (ResourceActivity activity : serving.getResourceActivityList()) {
                BindingKey key = new BindingKey(
                        serving.getEnvironment(), serving.getService(), serving.getVersion(), activity.getResource());
                bindings.computeIfPresent(
                        key,
                        (k, binding) -> binding.nodeId().equals(report.getNodeId())
                                        && binding.epoch() == activity.getEpoch()
                                ? binding.withActivity(
                                        activity.getInstanceId(), Instant.ofEpochMilli(activity.getLastCallUnixMs()))
                                : binding);
            }
        }
    }

    /** The bindings of a service's versions, by resource then version. */
    public List<Binding> bindings(String environment, String service) {
        List<Binding> found = new ArrayList<>();
        for (Binding binding : bindings.values()) {
            if (binding.key().environment().equals(environment)
                    && binding.key().service().equals(service)) {
                found.add(binding);
            }
        }
        found.sort(Comparator.comparing((Binding b) -> b.key().resource())
                .thenComparingLong(b -> b.key().version()));
        return found;
    }

    private void forgetGrant(Binding binding) {
        granted.computeIfPresent(NodeVersion.of(binding), (v, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private String forwardingAddress(String nodeId) {
        InstanceReport report = nodes.known().reports().get(nodeId);
        return report == null ? "" : report.getForwardingAddress();
    }

    /**
     * The reporting node with ready instances of the key's version and most room for one more
     * resource under {@code maxResourcesPerInstance}; none when no node has room.
     */
    private Optional<String> mostRoom(BindingKey key) {
        int cap = store.snapshot()
                .version(key.environment(), key.service(), key.version())
                .map(VersionRecord::maxResourcesPerInstance)
                .orElse(0);
        String best = null;
        long bestRoom = 0;
        for (InstanceReport report : nodes.known().reports().values()) {
            for (ServingVersion serving : report.getServingList()) {
                if (serving.getVersion() != key.version()
                        || !serving.getService().equals(key.service())
                        || !serving.getEnvironment().equals(key.environment())
                        || serving.getReadyInstances() <= 0) {
                    continue;
                }
                AtomicInteger ours = granted.get(
                        new NodeVersion(report.getNodeId(), key.environment(), key.service(), key.version()));
                int bound = Math.max(serving.getBoundResources(), ours == null ? 0 : ours.get());
                long room = room(serving, cap) - (bound - serving.getBoundResources());
                if (room > bestRoom) {
                    best = report.getNodeId();
                    bestRoom = room;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * How many more resources a node's ready instances of a version take: per instance as reported,
     * else from the totals. Without a cap, more instances and fewer bound resources mean more room.
     */
    static long room(ServingVersion serving, int cap) {
        long perInstance = cap > 0 ? cap : Integer.MAX_VALUE;
        long room = 0;
        boolean anyReady = false;
        for (InstanceState instance : serving.getInstancesList()) {
            if (instance.getState().equals("ready")) {
                anyReady = true;
                room += Math.max(0, perInstance - instance.getBoundResources());
            }
        }
        if (!anyReady) {
            room = Math.max(0, serving.getReadyInstances() * perInstance - serving.getBoundResources());
        }
        return room;
    }

    private static String describe(BindingKey key) {
        return key.environment() + "/" + key.service() + " v" + key.version() + " '" + key.resource() + "'";
    }
}
