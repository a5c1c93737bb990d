package io.leveros.controlplane.scaling;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.ServingVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The autoscaler and the cluster it sees, as meters in {@code /actuator/prometheus}: decisions by
 * direction ({@code lever_scaling_decisions_total}), per live version the instances the nodes run
 * by state ({@code lever_instances}), the target ({@code lever_scaling_target_instances}) and the
 * load ({@code lever_scaling_load}), the nodes reporting ({@code lever_nodes}), and how long a tick
 * takes ({@code lever_scaling_tick_seconds}).
 */
final class ScalingMetrics {
    private final MeterRegistry registry;
    private final Autoscaler autoscaler;
    private final NodeRegistry nodes;
    private final Timer tick;
    private final MultiGauge instances;
    private final MultiGauge targets;
    private final MultiGauge load;

    ScalingMetrics(MeterRegistry registry, Autoscaler autoscaler, NodeRegistry nodes) {
        this.registry = registry;
        this.autoscaler = autoscaler;
        this.nodes = nodes;
        this.tick = Timer.builder("lever.scaling.tick")
                .description("How long one round of scaling decisions takes")
                .register(registry);
        this.instances = MultiGauge.builder("lever.instances")
                .description("Instances the nodes run, by live version and state (starting, ready)")
                .register(registry);
        this.targets = MultiGauge.builder("lever.scaling.target.instances")
                .description("Instances the autoscaler wants, by live version")
                .register(registry);
        this.load = MultiGauge.builder("lever.scaling.load")
                .description("The load the autoscaler sees (concurrency upper bound or in flight), by live version")
                .register(registry);
        Gauge.builder(
                        "lever.nodes",
                        nodes,
                        reporting -> reporting.known().reports().size())
                .description("Data planes reporting to this control plane")
                .register(registry);
        autoscaler.onDecision(this::decided);
    }

    private void decided(ScalingDecision decision) {
        Counter.builder("lever.scaling.decisions")
                .description("Changes of a version's instance count by the autoscaler")
                .tags(
                        "environment", decision.environment(),
                        "service", decision.service(),
                        "direction", decision.to() > decision.from() ? "up" : "down")
                .register(registry)
                .increment();
    }

    /** After a tick that took {@code nanos}: the gauges from what it saw. */
    void ticked(long nanos) {
        tick.record(nanos, TimeUnit.NANOSECONDS);
        List<MultiGauge.Row<?>> targetRows = new ArrayList<>();
        List<MultiGauge.Row<?>> loadRows = new ArrayList<>();
        for (Autoscaler.VersionStatus status : autoscaler.statuses().values()) {
            Tags tags = tags(status.environment(), status.service(), status.version());
            targetRows.add(MultiGauge.Row.of(tags, Math.max(0, status.target())));
            loadRows.add(MultiGauge.Row.of(tags, status.load()));
        }
        targets.register(targetRows, true);
        load.register(loadRows, true);

        Map<Tags, int[]> byVersion = new HashMap<>(); // {starting, ready}
        for (InstanceReport report : nodes.known().reports().values()) {
            for (ServingVersion serving : report.getServingList()) {
                int[] counts = byVersion.computeIfAbsent(
                        tags(serving.getEnvironment(), serving.getService(), serving.getVersion()), t -> new int[2]);
                counts[0] += serving.getStartingInstances();
                counts[1] += serving.getReadyInstances();
            }
        }
        List<MultiGauge.Row<?>> instanceRows = new ArrayList<>();
        byVersion.forEach((tags, counts) -> {
            instanceRows.add(MultiGauge.Row.of(tags.and("state", "starting"), counts[0]));
            instanceRows.add(MultiGauge.Row.of(tags.and("state", "ready"), counts[1]));
        });
        instances.register(instanceRows, true);
    }

    private static Tags tags(String environment, String service, long version) {
        return Tags.of("environment", environment, "service", service, "version", Long.toString(version));
    }
}
