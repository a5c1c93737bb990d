package io.leveros.controlplane.scaling;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.EnvironmentRecord;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.controlplane.store.TrafficShare;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.core.stats.LatencyBuckets;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.ServingVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how many instances each live version runs, and on which nodes (docs/scaling.md).
 *
 * <p>Every tick it reads the nodes' last reports: calls completed and their latencies since the
 * last tick, calls and streams in flight, and the time integral of the calls in flight. Load =
 * max(concurrency, in flight now), where concurrency is rate × latency (Little's law) measured
 * directly: the growth of that integral per second, averaged (EWMA) and taken at the upper end of
 * its ~95 % confidence interval. Multiplying separate upper bounds of rate and latency instead
 * overshot badly whenever latency rose for a moment (instances starting on the same cores made
 * calls slow, which asked for more instances...). In flight now covers long calls, open streams and
 * calls waiting for an instance.
 *
 * <p>Required = max(ceil(load / maxInstanceLoad), minInstances), at least one while the version had
 * a call within its idle timeout or a bound resource, and at least ceil(bound resources /
 * maxResourcesPerInstance), at most maxInstances. Up at once (at most doubling per tick, or
 * straight to minInstances); down once the lower need has lasted the scale-down delay (to the
 * highest need seen meanwhile); to minInstances, zero by default, once idle for the idle timeout.
 * New instances go to nodes where their ram fits in the free memory, the ones with the fewest first,
 * removed ones come from those with the most.
 *
 * <p>Each version of a traffic split is scaled like the live one, by its own load.
 *
 * <p>A version starting to replace the live one is started warm: as many instances as the live one runs
 * (see {@link #warm}).
 *
 * <p>Thread-safety: {@link #tick} runs on one timer thread; readers get immutable snapshots.
 */
public final class Autoscaler {
    private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
    private static final int DECISIONS_KEPT = 200;

    /**
     * @param tick how often decisions are made
     * @param scaleDownDelay how long a lower need must last before instances are stopped
     * @param defaultIdleTimeout idle time after which a version without {@code idleTimeout} goes to
     *     minInstances
     */
    public record Settings(Duration tick, Duration scaleDownDelay, Duration defaultIdleTimeout) {}

    /**
     * What the autoscaler sees of one live version now.
     *
     * @param ratePerSecond calls answered per second, summed over the nodes, each from the
     *     difference between its last two reports, averaged over ticks (EWMA)
     * @param errorsPerSecond those answered with an error (the service's, or a platform 5xx),
     *     likewise: {@code errorsPerSecond / ratePerSecond} is the error rate
     * @param latencySeconds their mean latency, likewise
     * @param latencyP50Seconds the median latency of the calls of the same intervals (the nodes'
     *     latency buckets, interpolated within the bucket); 0 when they hold no call
     * @param latencyP99Seconds their 99th percentile, likewise
     */
    public record VersionStatus(
            String environment,
            String service,
            long version,
            int instances,
            int target,
            double load,
            int inFlight,
            double ratePerSecond,
            double errorsPerSecond,
            double latencySeconds,
            double latencyP50Seconds,
            double latencyP99Seconds,
            String startFailure,
            String lastExit,
            String unplaced) {}

    /**
     * The nodes' memory as placement sees it during one tick: what each has free for more instances
     * (its capacity minus the ram of what runs there and of what this tick placed), {@link
     * Long#MAX_VALUE} for a node that reports no capacity; an unreachable node takes nothing new.
     */
    private static final class Room {
        final Map<String, Long> free = new HashMap<>();
        final Set<String> unreachable = new HashSet<>();

        Room(NodeRegistry.Known known) {
            for (Node node : known.nodes()) {
                free.put(
                        node.getNodeId(),
                        node.getMemoryTotalBytes() == 0 ? Long.MAX_VALUE : node.getMemoryAvailableBytes());
                if (NodeRegistry.UNREACHABLE.equals(node.getState())) {
                    unreachable.add(node.getNodeId());
                }
            }
        }

        boolean fits(String nodeId, long ramBytes) {
            return !unreachable.contains(nodeId) && free.getOrDefault(nodeId, Long.MAX_VALUE) >= ramBytes;
        }

        void take(String nodeId, long bytes) {
            free.computeIfPresent(nodeId, (id, left) -> left == Long.MAX_VALUE ? left : left - bytes);
        }

        /** The node with the most free memory among those that take instances, as {@code "N MB on node"}. */
        String largest() {
            String best = null;
            long most = -1;
            for (Map.Entry<String, Long> entry : new java.util.TreeMap<>(free).entrySet()) {
                if (!unreachable.contains(entry.getKey()) && entry.getValue() > most) {
                    best = entry.getKey();
                    most = entry.getValue();
                }
            }
            return best == null ? "no reachable node" : Math.max(0, most) / (1L << 20) + " MB on node '" + best + "'";
        }
    }

    private record NodeServing(String nodeId, long measuredAtMicros, ServingVersion serving) {}

    /** What one tick reads (the nodes' reports, their free memory) and what it decides. */
    private static final class Round {
        final NodeRegistry.Known known;
        final Map<String, List<NodeServing>> byVersion;
        final List<String> nodeIds; // sorted: a TreeMap's keys
        final Room room;
        final long now;
        /** The versions decided this tick, by {@code env/service/version}: the ones remembered for the next. */
        final Set<String> decided = new HashSet<>();

        final List<ScalingTarget> targets = new ArrayList<>();
        final Map<String, VersionStatus> statuses = new LinkedHashMap<>();

        Round(NodeRegistry.Known known, long now) {
            this.known = known;
            this.byVersion = index(known);
            this.nodeIds = new ArrayList<>(known.reports().keySet());
            this.room = new Room(known);
            this.now = now;
        }

        List<NodeServing> reports(String key) {
            return byVersion.getOrDefault(key, List.of());
        }
    }

    /**
     * What the nodes run of one version: its instances (ready and starting) in all and per node, why its
     * last start failed and its last instance exited unasked (empty when none).
     */
    private record Running(int instances, Map<String, Integer> byNode, String startFailure, String lastExit) {
        static Running of(List<NodeServing> reports) {
            int instances = 0;
            Map<String, Integer> byNode = new HashMap<>();
            String startFailure = "";
            String lastExit = "";
            for (NodeServing report : reports) {
                ServingVersion serving = report.serving();
                int here = serving.getReadyInstances() + serving.getStartingInstances();
                instances += here;
                byNode.merge(report.nodeId(), here, Integer::sum);
                if (!serving.getStartFailure().isEmpty()) {
                    startFailure = serving.getStartFailure();
                }
                if (!serving.getLastExit().isEmpty()) {
                    lastExit = report.nodeId() + ": " + serving.getLastExit();
                }
            }
            return new Running(instances, byNode, startFailure, lastExit);
        }
    }

    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final Settings settings;
    private final Map<String, ScaledVersion> versions = new HashMap<>();
    private final ArrayDeque<ScalingDecision> decisions = new ArrayDeque<>();
    private final List<Consumer<ScalingDecision>> decisionListeners = new CopyOnWriteArrayList<>();
    private volatile List<ScalingTarget> targets = List.of();
    private volatile Map<String, VersionStatus> statuses = Map.of();

    public Autoscaler(MetadataStore store, NodeRegistry nodes, Settings settings) {
        this.store = store;
        this.nodes = nodes;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Called with each decision as it is made, on the tick's thread. */
    public void onDecision(Consumer<ScalingDecision> listener) {
        decisionListeners.add(listener);
    }

    /** The instances each node should run of each live version that has a decision. */
    public List<ScalingTarget> targets() {
        return targets;
    }

    /** Every live version with a decision or instances, by {@code env/service/version}. */
    public Map<String, VersionStatus> statuses() {
        return statuses;
    }

    /** The most recent decisions, newest first. */
    public synchronized List<ScalingDecision> recentDecisions() {
        return List.copyOf(decisions.reversed());
    }

    /**
     * Forgets every decision and measure: this control plane has just become the leader, and what it
     * knew from an earlier term is stale. The next tick starts from what the nodes report running.
     */
    public synchronized void reset() {
        versions.clear();
        targets = List.of();
        statuses = Map.of();
    }

    /** One round of decisions. */
    public void tick(long nowNanos) {
        StoreSnapshot state = store.snapshot();
        Round round = new Round(nodes.known(), nowNanos);
        for (EnvironmentRecord environment : state.environments()) {
            for (ServiceRecord service : state.services(environment.name())) {
                VersionRecord version = state.liveVersion(service).orElse(null);
                if (version == null) {
                    continue;
                }
                ScaledVersion scaled = remembered(round, version);
                if (service.startingVersion() == version.version()) {
                    scaled.lastActiveNanos = nowNanos; // a first version: one instance shows that it starts
                }
                scale(round, scaled, version);
                for (TrafficShare share : service.traffic()) {
                    if (share.version() != version.version()) {
                        state.version(service.environment(), service.name(), share.version())
                                .ifPresent(split -> scale(round, remembered(round, split), split));
                    }
                }
                if (service.replacing()) {
                    int liveTarget = Math.max(scaled.target, 0);
                    state.version(service.environment(), service.name(), service.startingVersion())
                            .ifPresent(starting -> warm(round, remembered(round, starting), starting, liveTarget));
                }
            }
        }
        versions.keySet().retainAll(round.decided);
        statuses = Map.copyOf(round.statuses);
        if (!round.targets.equals(targets)) {
            targets = List.copyOf(round.targets);
        }
    }

    /** What is remembered of {@code version} between ticks; it is kept past this one. */
    private ScaledVersion remembered(Round round, VersionRecord version) {
        String key = key(version.environment(), version.service(), version.version());
        round.decided.add(key);
        return versions.computeIfAbsent(key, k -> new ScaledVersion());
    }

    private static String key(String environment, String service, long version) {
        return environment + "/" + service + "/" + version;
    }

    private static Map<String, List<NodeServing>> index(NodeRegistry.Known known) {
        Map<String, List<NodeServing>> byVersion = new HashMap<>();
        for (InstanceReport report : known.reports().values()) {
            for (ServingVersion serving : report.getServingList()) {
                byVersion
                        .computeIfAbsent(
                                key(serving.getEnvironment(), serving.getService(), serving.getVersion()),
                                k -> new ArrayList<>())
                        .add(new NodeServing(report.getNodeId(), report.getMeasuredAtMicros(), serving));
            }
        }
        return byVersion;
    }

    private void scale(Round round, ScaledVersion scaled, VersionRecord version) {
        String key = key(version.environment(), version.service(), version.version());
        List<NodeServing> reports = round.reports(key);
        Running running = Running.of(reports);
        long now = round.now;
        long completed = 0;
        long latencyMicros = 0;
        double concurrency = 0;
        double rate = 0;
        double errorRate = 0;
        long[] latencyBuckets = new long[LatencyBuckets.COUNT];
        int inFlight = 0;
        int bound = 0;
        Map<String, ScaledVersion.NodeCounters> counters = new HashMap<>();
        for (NodeServing report : reports) {
            ServingVersion serving = report.serving();
            ScaledVersion.NodeCounters last = scaled.lastCounters.get(report.nodeId());
            ScaledVersion.NodeCounters read = ScaledVersion.NodeCounters.of(report.measuredAtMicros(), serving);
            if (last != null && read.measuredAtMicros() == last.measuredAtMicros()) {
                read = last; // no report since the last tick: its rates still hold
            } else if (last != null && read.follows(last)) {
                double seconds = (read.measuredAtMicros() - last.measuredAtMicros()) / 1e6;
                read.since(last, seconds);
                completed += read.completedCalls() - last.completedCalls();
                latencyMicros += read.latencySumMicros() - last.latencySumMicros();
            } // else the node is new, or its data plane restarted: rates from its next report
            counters.put(report.nodeId(), read);
            concurrency += read.concurrency;
            rate += read.rate;
            errorRate += read.errorRate;
            for (int i = 0; i < latencyBuckets.length; i++) {
                latencyBuckets[i] += read.latencyBucketsSince[i];
            }
            inFlight += serving.getInFlight();
            bound += serving.getBoundResources();
        }
        int current = running.instances();
        scaled.lastCounters.clear();
        scaled.lastCounters.putAll(counters);

        scaled.rate.add(rate);
        scaled.errors.add(errorRate);
        scaled.latencyP50 = LatencyBuckets.quantileSeconds(latencyBuckets, 0.5);
        scaled.latencyP99 = LatencyBuckets.quantileSeconds(latencyBuckets, 0.99);
        if (completed > 0) {
            scaled.latency.add(latencyMicros / 1e6 / completed);
        }
        scaled.concurrency.add(concurrency);
        double load = Math.max(Math.max(0, scaled.concurrency.upper()), inFlight);
        if (completed > 0 || inFlight > 0 || concurrency > 0 || (scaled.lastActiveNanos == 0 && current > 0)) {
            // Instances running when this control plane first sees them were in use (it may just have
            // restarted): their idle time counts from now, not from a call it never saw.
            scaled.lastActiveNanos = now;
        }
        long idleNanos = version.idleTimeoutMs() != null
                ? version.idleTimeoutMs() * 1_000_000L
                : settings.defaultIdleTimeout().toNanos();
        boolean recentlyActive = scaled.lastActiveNanos != 0 && now - scaled.lastActiveNanos < idleNanos;
        double maxInstanceLoad = version.maxInstanceLoad() > 0 ? version.maxInstanceLoad() : 10;
        int need = recentlyActive ? Math.max(1, (int) Math.ceil(load / maxInstanceLoad - 1e-9)) : 0;
        need = Math.max(need, forResources(bound, version.maxResourcesPerInstance()));
        int required = Math.max(need, version.minInstances());
        if (version.maxInstances() > 0) {
            required = Math.min(required, version.maxInstances());
        }

        if (scaled.target < 0 && required == 0 && current == 0) {
            if (!running.startFailure().isEmpty()) {
                round.statuses.put(key, status(version, scaled, running, load, inFlight));
            }
            return; // never used and no minimum: calls start instances on demand
        }
        if (scaled.target < 0) {
            scaled.target = current;
        }
        String why = String.format(
                        Locale.ROOT,
                        "load %.1f (concurrency %.1f, upper %.1f; in flight %d; rate %.1f/s, latency %.3f s)"
                                + " / maxInstanceLoad %s",
                        load,
                        scaled.concurrency.mean(),
                        scaled.concurrency.upper(),
                        inFlight,
                        scaled.rate.mean(),
                        scaled.latency.mean(),
                        maxInstanceLoad)
                + (bound > 0
                        ? "; " + bound + " bound resources"
                                + (version.maxResourcesPerInstance() > 0
                                        ? " / maxResourcesPerInstance " + version.maxResourcesPerInstance()
                                        : "")
                        : "");
        if (required > scaled.target) {
            int step = Math.max(Math.max(2 * scaled.target, scaled.target + 1), version.minInstances());
            int to = Math.min(required, step);
            decide(
                    version,
                    scaled,
                    to,
                    why + (version.minInstances() > need ? ", minInstances " + version.minInstances() : ""));
            scaled.lowSinceNanos = -1;
        } else if (required < scaled.target) {
            if (!recentlyActive) {
                decide(
                        version,
                        scaled,
                        required,
                        scaled.lastActiveNanos == 0
                                ? "no call yet"
                                : "no call for " + Duration.ofNanos(idleNanos) + " (idleTimeout)");
                scaled.lowSinceNanos = -1;
            } else if (scaled.lowSinceNanos < 0) {
                scaled.lowSinceNanos = now;
                scaled.lowMax = required;
            } else {
                scaled.lowMax = Math.max(scaled.lowMax, required);
                Duration delay = version.scaleDownDelayMs() != null
                        ? Duration.ofMillis(version.scaleDownDelayMs())
                        : settings.scaleDownDelay();
                if (now - scaled.lowSinceNanos >= delay.toNanos()) {
                    decide(version, scaled, scaled.lowMax, why + ", lower for " + delay + " (scaleDownDelay)");
                    scaled.lowSinceNanos = -1;
                }
            }
        } else {
            scaled.lowSinceNanos = -1;
        }

        place(round, scaled, version, running.byNode());
        round.statuses.put(key, status(version, scaled, running, load, inFlight));
    }

    /**
     * A version starting to replace a live one runs as many instances as the live one is meant to (at
     * least one, within its own minInstances and maxInstances) before it takes any call, so the switch
     * finds it warm (docs/upgrades.md). It counts as active meanwhile: once live, it is not scaled down
     * before its own load says so.
     */
    private void warm(Round round, ScaledVersion scaled, VersionRecord version, int liveTarget) {
        String key = key(version.environment(), version.service(), version.version());
        Running running = Running.of(round.reports(key));
        int wanted = Math.max(Math.max(1, liveTarget), version.minInstances());
        if (version.maxInstances() > 0) {
            wanted = Math.min(wanted, version.maxInstances());
        }
        scaled.lastActiveNanos = round.now;
        if (wanted != scaled.target) {
            decide(version, scaled, wanted, "starting to replace the live version, which runs " + liveTarget);
        }
        place(round, scaled, version, running.byNode());
        round.statuses.put(key, status(version, scaled, running, 0, 0));
    }

    /**
     * The instances bound resources need: one while any is bound (its instance holds the resource's
     * state, idle or not), and enough for each to hold at most {@code maxResourcesPerInstance}.
     */
    static int forResources(int bound, int maxResourcesPerInstance) {
        if (bound <= 0) {
            return 0;
        }
        return maxResourcesPerInstance > 0
                ? Math.max(1, (bound + maxResourcesPerInstance - 1) / maxResourcesPerInstance)
                : 1;
    }

    private static VersionStatus status(
            VersionRecord version, ScaledVersion scaled, Running running, double load, int inFlight) {
        return new VersionStatus(
                version.environment(),
                version.service(),
                version.version(),
                running.instances(),
                scaled.target,
                load,
                inFlight,
                scaled.rate.mean(),
                scaled.errors.mean(),
                scaled.latency.mean(),
                scaled.latencyP50,
                scaled.latencyP99,
                running.startFailure(),
                running.lastExit(),
                scaled.unplaced);
    }

    private void decide(VersionRecord version, ScaledVersion scaled, int to, String reason) {
        ScalingDecision decision = new ScalingDecision(
                Instant.now(), version.environment(), version.service(), version.version(), scaled.target, to, reason);
        log.info(
                "lever://{}/{} v{}: {} -> {} instances: {}",
                version.environment(),
                version.service(),
                version.version(),
                scaled.target,
                to,
                reason);
        scaled.target = to;
        record(decision);
    }

    private void record(ScalingDecision decision) {
        synchronized (this) {
            decisions.addLast(decision);
            while (decisions.size() > DECISIONS_KEPT) {
                decisions.removeFirst();
            }
        }
        decisionListeners.forEach(listener -> listener.accept(decision));
    }

    /**
     * Spreads the target over the nodes: each keeps what it runs; a new instance goes to a node
     * where the version's ram fits in the free memory ({@link Room}), the one with the fewest
     * instances of the version, then the one with the most free memory; removed ones come from the
     * nodes with the most. What fits nowhere is not placed, and recorded once as a decision naming
     * the version, its ram and the largest free memory. A node's target keeps the report sequence
     * of the decision that last changed it, unless the node now runs more than its target, and not
     * as many as when it was decided: a node stops extra instances only for a target whose report
     * saw them. (An instance started on demand on one node while the one placed elsewhere starts
     * leaves one of the two over; the sequence of the decision before they showed would keep it.)
     */
    private void place(Round round, ScaledVersion scaled, VersionRecord version, Map<String, Integer> currentByNode) {
        List<String> nodeIds = round.nodeIds;
        Room room = round.room;
        if (nodeIds.isEmpty()) {
            return;
        }
        long ramBytes = version.ramMb() * (1L << 20);
        int[] counts = new int[nodeIds.size()];
        int total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = currentByNode.getOrDefault(nodeIds.get(i), 0);
            total += counts[i];
        }
        for (; total < scaled.target; total++) {
            int chosen = -1;
            for (int i = 0; i < counts.length; i++) {
                String nodeId = nodeIds.get(i);
                if (room.fits(nodeId, ramBytes)
                        && (chosen < 0
                                || counts[i] < counts[chosen]
                                || (counts[i] == counts[chosen]
                                        && room.free.getOrDefault(nodeId, Long.MAX_VALUE)
                                                > room.free.getOrDefault(nodeIds.get(chosen), Long.MAX_VALUE)))) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                break;
            }
            counts[chosen]++;
            room.take(nodeIds.get(chosen), ramBytes);
        }
        for (; total > scaled.target; total--) {
            int most = indexOf(counts, false);
            counts[most]--;
            room.take(nodeIds.get(most), -ramBytes);
        }
        String unplaced = total < scaled.target
                ? "placed " + total + " of " + scaled.target + " instances: ram " + version.ramMb()
                        + " MB fits in the free memory of no node (largest free: " + room.largest()
                        + "); add a node or memory, or lower ram in lever.json"
                : "";
        if (!unplaced.equals(scaled.unplaced)) {
            scaled.unplaced = unplaced;
            if (!unplaced.isEmpty()) {
                log.warn(
                        "lever://{}/{} v{}: {}", version.environment(), version.service(), version.version(), unplaced);
                record(new ScalingDecision(
                        Instant.now(),
                        version.environment(),
                        version.service(),
                        version.version(),
                        scaled.target,
                        total,
                        unplaced));
            }
        }
        Map<String, ScaledVersion.Placed> placed = new HashMap<>();
        for (int i = 0; i < counts.length; i++) {
            String nodeId = nodeIds.get(i);
            int running = currentByNode.getOrDefault(nodeId, 0);
            ScaledVersion.Placed before = scaled.placed.get(nodeId);
            ScaledVersion.Placed now = before != null
                            && before.instances() == counts[i]
                            && (running <= counts[i] || running == before.running())
                    ? before
                    : new ScaledVersion.Placed(
                            counts[i], round.known.reports().get(nodeId).getSequence(), running);
            placed.put(nodeId, now);
            round.targets.add(ScalingTarget.newBuilder()
                    .setEnvironment(version.environment())
                    .setService(version.service())
                    .setVersion(version.version())
                    .setNodeId(nodeId)
                    .setInstances(now.instances())
                    .setReportSequence(now.sequence())
                    .build());
        }
        scaled.placed = placed;
    }

    /** The first index of the smallest ({@code smallest}) or largest count. */
    private static int indexOf(int[] counts, boolean smallest) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (smallest ? counts[i] < counts[best] : counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }
}
