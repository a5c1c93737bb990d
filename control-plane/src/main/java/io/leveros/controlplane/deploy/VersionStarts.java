package io.leveros.controlplane.deploy;

import io.leveros.controlplane.cluster.Leadership;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.scaling.Autoscaler;
import io.leveros.controlplane.store.EnvironmentRecord;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.ServingVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the start of each starting version (docs/upgrades.md): once the nodes report as many ready
 * instances of it as the autoscaler placed, it becomes live ({@link MetadataStore#finishStart}) and the
 * nodes move new calls to it at their next snapshot; the replaced version's instances then drain. A
 * version whose instance fails to start (it exits, or is not ready within the node's start timeout), whose
 * ram fits on no node, or that has not started within {@code lever.deploy.start-timeout}, never goes live: it is recorded as
 * failed with the reason ({@link MetadataStore#failStart}) and the live version keeps serving.
 *
 * <p>Run by the leader after each autoscaler tick, on the autoscaler's thread, and as soon as a node's
 * ready instances change (on the reporting thread), so a switch does not wait for the next tick.
 */
public final class VersionStarts {
    private static final Logger log = LoggerFactory.getLogger(VersionStarts.class);

    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final Autoscaler autoscaler;
    private final Duration startTimeout;
    private final Leadership leadership;
    private final MeterRegistry registry;
    /** When this control plane first saw each starting version ({@code env/service/version}). */
    private final Map<String, Long> firstSeenNanos = new HashMap<>();

    public VersionStarts(
            MetadataStore store,
            NodeRegistry nodes,
            Autoscaler autoscaler,
            Leadership leadership,
            Duration startTimeout,
            MeterRegistry registry) {
        this.store = store;
        this.nodes = nodes;
        this.autoscaler = autoscaler;
        this.leadership = leadership;
        this.startTimeout = startTimeout;
        this.registry = registry;
        nodes.onChange(() -> {
            if (leadership.state().leading()) {
                check(System.nanoTime());
            }
        });
    }

    /** What the nodes report of one version: its ready instances, and the first start failure found. */
    private record Started(int ready, String failure) {}

    /** Checks every starting version once. */
    public synchronized void check(long nowNanos) {
        StoreSnapshot state = store.snapshot();
        Map<String, InstanceReport> reports = nodes.known().reports();
        Set<String> starting = new HashSet<>();
        for (EnvironmentRecord environment : state.environments()) {
            for (ServiceRecord service : state.services(environment.name())) {
                if (service.startingVersion() == 0) {
                    continue;
                }
                String key = service.environment() + "/" + service.name() + "/" + service.startingVersion();
                starting.add(key);
                long since = firstSeenNanos.computeIfAbsent(key, k -> nowNanos);
                check(service, key, started(service, reports), nowNanos - since);
            }
        }
        firstSeenNanos.keySet().retainAll(starting);
    }

    private void check(ServiceRecord service, String key, Started started, long elapsedNanos) {
        long version = service.startingVersion();
        int wanted = wanted(service, version);
        Autoscaler.VersionStatus status = autoscaler.statuses().get(key);
        if (!started.failure().isEmpty()) {
            fail(service, version, "v" + version + " could not start: " + started.failure());
        } else if (wanted == 0 && status != null && !status.unplaced().isEmpty()) {
            fail(service, version, "v" + version + " cannot start anywhere: " + status.unplaced());
        } else if (wanted > 0 && started.ready() >= wanted) {
            store.finishStart(service.environment(), service.name(), version);
            log.info(
                    "lever://{}/{} v{}: {} of {} instances ready{}",
                    service.environment(),
                    service.name(),
                    version,
                    started.ready(),
                    wanted,
                    service.replacing() ? "; it is live, v" + service.liveVersion() + " drains" : "");
        } else if (elapsedNanos > startTimeout.toNanos()) {
            String unplaced = status == null || status.unplaced().isEmpty() ? "" : " (" + status.unplaced() + ")";
            fail(
                    service,
                    version,
                    "v" + version + " had " + started.ready() + " of " + Math.max(wanted, 1) + " instances ready after "
                            + startTimeout + " (lever.deploy.start-timeout)" + unplaced);
        }
    }

    private void fail(ServiceRecord service, long version, String reason) {
        store.failStart(service.environment(), service.name(), version, reason);
        Counter.builder("lever.deploy.start.failures")
                .description("Versions that could not start (so never went live), counted by the leading control plane")
                .tags("environment", service.environment(), "service", service.name())
                .register(registry)
                .increment();
        log.warn(
                "lever://{}/{} {}{}",
                service.environment(),
                service.name(),
                reason,
                service.replacing() ? "; v" + service.liveVersion() + " stays live" : "");
    }

    /** The instances the autoscaler placed for the version, over all nodes. */
    private int wanted(ServiceRecord service, long version) {
        int wanted = 0;
        for (ScalingTarget target : autoscaler.targets()) {
            if (target.getVersion() == version
                    && target.getService().equals(service.name())
                    && target.getEnvironment().equals(service.environment())) {
                wanted += target.getInstances();
            }
        }
        return wanted;
    }

    private static Started started(ServiceRecord service, Map<String, InstanceReport> reports) {
        int ready = 0;
        String failure = "";
        for (InstanceReport report : reports.values()) {
            for (ServingVersion serving : report.getServingList()) {
                if (serving.getVersion() == service.startingVersion()
                        && serving.getService().equals(service.name())
                        && serving.getEnvironment().equals(service.environment())) {
                    ready += serving.getReadyInstances();
                    if (failure.isEmpty() && !serving.getStartFailure().isEmpty()) {
                        failure = serving.getStartFailure() + " (node " + report.getNodeId() + ")";
                    }
                }
            }
        }
        return new Started(ready, failure);
    }
}
