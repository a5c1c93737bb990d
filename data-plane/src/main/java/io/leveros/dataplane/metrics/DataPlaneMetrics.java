package io.leveros.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Everything the data plane's {@code GET /_lever/metrics} shows, through Micrometer's Prometheus
 * registry: calls and their latency, instance starts, per live version its instances by state,
 * calls in flight, queued calls and open streams, the queue's limit, each port's open connections,
 * and the JVM's, the process's
 * and Netty's own meters (docs/data-plane.md, "Metrics").
 */
public final class DataPlaneMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPEN_CONNECTIONS = "lever.dataplane.open.connections";
    private static final String LOOP_REQUESTS = "lever.dataplane.loop.requests";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CallMetrics calls = new CallMetrics();
    private final InstanceStarts starts = new InstanceStarts(registry);
    private final ClientRefusals refusals = new ClientRefusals(registry);
    private final Supplier<List<VersionGauges>> versions;
    private final MultiGauge instances = versionGauge(
            "lever.dataplane.instances",
            "Instances on this node by state: starting, ready (taking calls), draining (finishing their calls before"
                    + " they stop).");
    private final MultiGauge callsInFlight = versionGauge(
            "lever.dataplane.calls.in.flight", "Calls and streams on this node's instances now (not those queued).");
    private final MultiGauge queuedCalls = versionGauge(
            "lever.dataplane.queued.calls", "Calls waiting for an instance to start (the activator's queue).");
    private final MultiGauge openStreams =
            versionGauge("lever.dataplane.open.streams", "Streams open on this node's instances now.");

    /**
     * @param versions the live versions on this node now; may block briefly (not on an event loop)
     * @param maxQueuedCalls the limit of each version's queue ({@code --max-queued-calls})
     */
    public DataPlaneMetrics(Supplier<List<VersionGauges>> versions, int maxQueuedCalls) {
        this.versions = versions;
        registry.getPrometheusRegistry().register(calls);
        Gauge.builder("lever.dataplane.max.queued.calls", () -> maxQueuedCalls)
                .description("How many calls may wait for a version's instance to start (--max-queued-calls): a"
                        + " queue at this size refuses calls.")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Adds the meters of {@code vertx}'s event loops (tasks pending) and of Netty's buffer pools. */
    public void bindNetty(Vertx vertx) {
        new NettyEventExecutorMetrics(((VertxInternal) vertx).nettyEventLoopGroup()).bindTo(registry);
        List<ByteBufAllocatorMetricProvider> pools = new ArrayList<>();
        if (VertxByteBufAllocator.POOLED_ALLOCATOR instanceof ByteBufAllocatorMetricProvider pool) {
            pools.add(pool);
        }
        if (PooledByteBufAllocator.DEFAULT != VertxByteBufAllocator.POOLED_ALLOCATOR) {
            pools.add(PooledByteBufAllocator.DEFAULT);
        }
        pools.forEach(pool -> new NettyAllocatorMetrics(pool).bindTo(registry));
    }

    /**
     * Warm runtimes trained and idle now ({@code lever_dataplane_warm_runtimes}, by entry point): what
     * the next cold starts take; fewer than are kept ({@code lever_dataplane_warm_runtimes_kept}) while
     * taken ones are replaced.
     */
    public void warmRuntimes(Supplier<Map<String, Integer>> idle, Supplier<Map<String, Integer>> kept) {
        for (String entry : idle.get().keySet()) {
            Gauge.builder("lever.dataplane.warm.runtimes", () -> idle.get().getOrDefault(entry, 0))
                    .description("Warm runtimes trained and idle now (--warm-runtimes), each taken by a cold start.")
                    .tags("entry", entry)
                    .register(registry);
            Gauge.builder("lever.dataplane.warm.runtimes.kept", () -> kept.get().getOrDefault(entry, 0))
                    .description("Warm runtimes kept idle now: --warm-runtimes, or by memory and more for a while"
                            + " after a burst of cold starts needed more.")
                    .tags("entry", entry)
                    .register(registry);
        }
    }

    /** The connections open on one port now ({@code lever_dataplane_open_connections}, by ingress). */
    public void openConnections(String ingress, IntSupplier open, int max) {
        Gauge.builder(OPEN_CONNECTIONS, open::getAsInt)
                .description("Connections open on the port now; it takes at most --max-connections (" + max
                        + ") and answers more 503.")
                .tags("ingress", ingress)
                .register(registry);
    }

    /**
     * Requests one event loop's server of a port takes ({@code lever_dataplane_loop_requests_total},
     * by ingress and loop): how the port's load spreads over {@code --event-loops}.
     */
    public Counter loopRequests(String ingress, int loop) {
        return Counter.builder(LOOP_REQUESTS)
                .description("Requests (calls, streams, health and metrics) each event loop's server took, by port.")
                .tags("ingress", ingress, "loop", Integer.toString(loop))
                .register(registry);
    }

    /** What {@link #loopRequests} counted, for tests. */
    public long loopRequestCount(String ingress, int loop) {
        Counter counter = registry.find(LOOP_REQUESTS)
                .tags("ingress", ingress, "loop", Integer.toString(loop))
                .counter();
        return counter == null ? 0 : (long) counter.count();
    }

    /** The open connections of one ingress, for tests. */
    public int openConnections(String ingress) {
        Gauge gauge = registry.find(OPEN_CONNECTIONS).tags("ingress", ingress).gauge();
        return gauge == null ? 0 : (int) gauge.value();
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

    /** The scrape, in the Prometheus text format; one at a time (the version gauges are set for it). */
    public synchronized String scrape() {
        List<VersionGauges> now = versions.get();
        List<MultiGauge.Row<?>> byState = new ArrayList<>();
        for (VersionGauges version : now) {
            Tags tags = tags(version);
            byState.add(MultiGauge.Row.of(tags.and("state", "starting"), version.startingInstances()));
            byState.add(MultiGauge.Row.of(tags.and("state", "ready"), version.readyInstances()));
            byState.add(MultiGauge.Row.of(tags.and("state", "draining"), version.drainingInstances()));
        }
        instances.register(byState, true);
        callsInFlight.register(rows(now, VersionGauges::callsInFlight), true);
        queuedCalls.register(rows(now, VersionGauges::queuedCalls), true);
        openStreams.register(rows(now, VersionGauges::openStreams), true);
        return registry.scrape(CONTENT_TYPE);
    }

    private MultiGauge versionGauge(String name, String help) {
        return MultiGauge.builder(name).description(help).register(registry);
    }

    private static List<MultiGauge.Row<?>> rows(List<VersionGauges> versions, ToIntFunction<VersionGauges> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(versions.size());
        for (VersionGauges version : versions) {
            rows.add(MultiGauge.Row.of(tags(version), value.applyAsInt(version)));
        }
        return rows;
    }

    private static Tags tags(VersionGauges version) {
        return Tags.of(
                "environment", version.environment(),
                "service", version.service(),
                "version", Long.toString(version.version()));
    }
}
