package io.leveros.dataplane.metrics;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Everything the data plane's {@code GET /_lever/metrics} shows, in the Prometheus text format:
 * calls and their latency, instance starts, and per live version its instances by state, calls in
 * flight, queued calls and open streams (docs/data-plane.md, "Metrics").
 */
public final class DataPlaneMetrics {
    public static final String CONTENT_TYPE = PrometheusText.CONTENT_TYPE;

    private final CallMetrics calls = new CallMetrics();
    private final InstanceStarts starts = new InstanceStarts();
    private final ClientRefusals refusals = new ClientRefusals();
    private final Supplier<List<VersionGauges>> versions;

    /** @param versions the live versions on this node now; may block briefly (not on an event loop) */
    public DataPlaneMetrics(Supplier<List<VersionGauges>> versions) {
        this.versions = versions;
    }

    public CallMetrics calls() {
        return calls;
    }

    public InstanceStarts starts() {
        return starts;
    }

    public ClientRefusals refusals() {
        return refusals;
    }

    /** The scrape. */
    public String scrape() {
        PrometheusText text = new PrometheusText();
        calls.write(text);
        starts.write(text);
        refusals.write(text);
        List<VersionGauges> now = versions.get();
        text.family(
                "lever_dataplane_instances",
                "gauge",
                "Instances on this node by state: starting, ready (taking calls), draining (finishing their calls"
                        + " before they stop).");
        for (VersionGauges version : now) {
            String labels = labels(version);
            text.sample("lever_dataplane_instances", labels + ",state=\"starting\"", version.startingInstances());
            text.sample("lever_dataplane_instances", labels + ",state=\"ready\"", version.readyInstances());
            text.sample("lever_dataplane_instances", labels + ",state=\"draining\"", version.drainingInstances());
        }
        gauge(
                text,
                now,
                "lever_dataplane_calls_in_flight",
                "Calls and streams on this node's instances now (not those queued).",
                VersionGauges::callsInFlight);
        gauge(
                text,
                now,
                "lever_dataplane_queued_calls",
                "Calls waiting for an instance to start (the activator's" + " queue).",
                VersionGauges::queuedCalls);
        gauge(
                text,
                now,
                "lever_dataplane_open_streams",
                "Streams open on this node's instances now.",
                VersionGauges::openStreams);
        return text.toString();
    }

    private static void gauge(
            PrometheusText text,
            List<VersionGauges> versions,
            String name,
            String help,
            ToIntFunction<VersionGauges> value) {
        text.family(name, "gauge", help);
        for (VersionGauges version : versions) {
            text.sample(name, labels(version), value.applyAsInt(version));
        }
    }

    private static String labels(VersionGauges version) {
        return PrometheusText.labels(
                "environment", version.environment(),
                "service", version.service(),
                "version", Long.toString(version.version()));
    }
}
