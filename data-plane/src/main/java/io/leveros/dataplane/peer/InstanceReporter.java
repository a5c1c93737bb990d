package io.leveros.dataplane.peer;

import io.leveros.dataplane.activator.Activator;
import io.leveros.dataplane.activator.PoolLoad;
import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.placement.ResourcePlacement;
import io.leveros.dataplane.retry.Jitter;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceReportAck;
import io.leveros.proto.control.InstanceState;
import io.leveros.proto.control.ResourceActivity;
import io.leveros.proto.control.ServingVersion;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Tells every control plane which live versions this node has instances of, the load on them, and
 * where other nodes forward calls to it ({@code lever.control.v1.Routing/ReportInstances}): each
 * control plane keeps every node's reports, so whichever leads can scale. Looks every 250 ms and
 * reports when something changed (so four times a second under load: the autoscaler's input), else
 * every 2 s, so a restarted control plane knows the node again within seconds. The counters are
 * cumulative, so a lost report loses nothing. Each control plane has its own sender: one report in
 * flight at a time (given up after {@link #REPORT_TIMEOUT_MS}); after a failed one the next waits
 * 250 ms, doubling up to 2 s, jittered so that the nodes of a cluster do not all retry at the
 * instant their control plane is back. A control plane that fails or hangs never holds up the
 * reports to the others. Only the acknowledgements of the control plane the routes come from (the
 * resource authority) hold this node's resource lease. A control plane that leaves {@link
 * #UNANSWERED_REPORTS} reports in a row unanswered (timed out, not refused: a refusal is a reset, which
 * every stream to it sees too) is reported to the routes' subscriber, which cannot tell a cut
 * connection from a quiet one.
 *
 * <p>The report is built on a worker thread (it takes every pool's lock and reads the instances'
 * memory from {@code /proc}); the rest runs on one Vert.x event loop, never on the request path.
 */
public final class InstanceReporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InstanceReporter.class.getName());
    static final long LOOK_INTERVAL_MS = 250;
    static final long HEARTBEAT_NANOS = 2_000_000_000L;
    /** The longest wait after failed reports (250 ms doubling, jittered): a heartbeat's period. */
    static final long MAX_RETRY_MS = 2_000;
    /** A report unanswered for this long failed: a hung control plane is tried again later. */
    static final long REPORT_TIMEOUT_MS = 5_000;
    /** Reports in a row a control plane leaves unanswered before its connection is taken for cut. */
    static final int UNANSWERED_REPORTS = 2;

    private static final ServiceMethod<InstanceReportAck, InstanceReport> REPORT_INSTANCES = ServiceMethod.client(
            ServiceName.create("lever.control.v1", "Routing"),
            "ReportInstances",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(InstanceReportAck.getDefaultInstance()));

    private final Vertx vertx;
    private final GrpcClient client;
    private final ControlPlanes controlPlanes;
    private final List<Sender> senders;
    private final String nodeId;
    private final NodeCredential credential;
    private final String forwardingAddress;
    private final Activator activator;
    private final ResourcePlacement resources;
    private final AtomicLong sequence;
    private final NodeMemory memory;
    private final LongSupplier warmRuntimesBytes;
    private final BiConsumer<SocketAddress, Long> unanswered;
    private boolean building;
    private long timer = -1;

    /**
     * @param client the data plane's gRPC client for the control plane (h2c), closed by its owner
     * @param sequence the reports' sequence numbers, shared with the activator
     * @param warmRuntimesBytes what the warm runtimes the node keeps now take while idle, counted
     *     against its memory as its instances' ram is (read on a worker thread)
     * @param unanswered told the control plane and for how long (ms) once it left {@link
     *     #UNANSWERED_REPORTS} or more reports in a row unanswered, at each further one
     */
    public InstanceReporter(
            Vertx vertx,
            GrpcClient client,
            ControlPlanes controlPlanes,
            String nodeId,
            NodeCredential credential,
            String forwardingAddress,
            Activator activator,
            ResourcePlacement resources,
            AtomicLong sequence,
            NodeMemory memory,
            LongSupplier warmRuntimesBytes,
            BiConsumer<SocketAddress, Long> unanswered) {
        this.memory = memory;
        this.warmRuntimesBytes = warmRuntimesBytes;
        this.unanswered = unanswered;
        this.resources = resources;
        this.vertx = vertx;
        this.sequence = sequence;
        this.controlPlanes = controlPlanes;
        this.senders = controlPlanes.all().stream().map(Sender::new).toList();
        this.nodeId = nodeId;
        this.credential = credential;
        this.forwardingAddress = forwardingAddress;
        this.activator = activator;
        this.client = client;
    }

    public void start() {
        vertx.runOnContext(v -> timer = vertx.setPeriodic(1, LOOK_INTERVAL_MS, id -> look()));
    }

    /** What this node serves now, in a stable order, without a sequence number yet. */
    InstanceReport current() {
        InstanceReport.Builder report = InstanceReport.newBuilder()
                .setNodeId(nodeId)
                .setForwardingAddress(forwardingAddress)
                .setWarmRuntimesBytes(warmRuntimesBytes.getAsLong());
        Map<String, List<ResourceActivity>> called = resources.calledSinceLastReport();
        activator.loads().stream()
                .sorted(Comparator.comparing(load -> load.route().poolKey()))
                .forEach(load -> report.addServing(
                        serving(load, called.getOrDefault(load.route().poolKey(), List.of()))));
        return report.build();
    }

    private static ServingVersion serving(PoolLoad load, List<ResourceActivity> called) {
        ServiceRoute route = load.route();
        return ServingVersion.newBuilder()
                .setEnvironment(route.environment())
                .setService(route.service())
                .setVersion(route.versionNumber())
                .setReadyInstances(load.readyInstances())
                .setStartingInstances(load.startingInstances())
                .setCompletedCalls(load.completedCalls())
                .setFailedCalls(load.failedCalls())
                .setLatencySumMicros(load.latencySumMicros())
                .addAllLatencyBucketCounts(
                        Arrays.stream(load.latencyBucketCounts()).boxed().toList())
                .setBusyMicros(load.busyMicros())
                .setInFlight(load.inFlight())
                .setOpenStreams(load.openStreams())
                .setStartFailure(load.startFailure())
                .setLastExit(load.lastExit())
                .setBoundResources(load.boundResources())
                .addAllResourceActivity(called)
                .addAllInstances(load.instances().stream()
                        .map(instance -> InstanceState.newBuilder()
                                .setInstanceId(instance.id())
                                .setState(instance.draining() ? "draining" : "ready")
                                .setStartedAtUnixMs(instance.startedAtUnixMs())
                                .setInFlight(instance.inFlight())
                                .setRssBytes(instance.rssBytes())
                                .setBoundResources(instance.boundResources())
                                .build())
                        .toList())
                .build();
    }

    /**
     * A report, the sequence number taken before its counters were read, and when they were read.
     * Taking the number first keeps the activator's rule sound: an instance started after it is
     * started at that number or later, so no target decided from this report can stop it.
     */
    private record Measured(InstanceReport report, long sequence, long atNanos, NodeMemory.Reading memory) {}

    /**
     * Builds a report when any control plane's sender can take one, and gives it to each that can. A
     * sender busy with the previous report skips this one (its resource activity, kept for the
     * control plane's idle expiry, is then reported to the others only).
     */
    private void look() {
        long now = System.nanoTime();
        if (building || senders.stream().noneMatch(sender -> sender.ready(now))) {
            return;
        }
        building = true;
        vertx.executeBlocking(() -> {
                    long number = sequence.incrementAndGet();
                    return new Measured(current(), number, System.nanoTime(), memory.read());
                })
                .onComplete(built -> {
                    building = false;
                    if (built.failed()) {
                        LOG.log(Level.WARNING, "could not build this node''s instance report: {0}", built.cause());
                        return;
                    }
                    for (Sender sender : senders) {
                        if (sender.ready(System.nanoTime())) {
                            sender.send(built.result());
                        }
                    }
                });
    }

    /** The reports to one control plane; on the event loop. */
    private final class Sender {
        private final SocketAddress controlPlane;
        private InstanceReport lastSent;
        private long lastSentNanos;
        private boolean inFlight;
        private boolean failing;
        private long retryDelayMs;
        private long retryAtNanos;
        private boolean everSent;
        private int unansweredInARow;
        private long unansweredSinceNanos;

        Sender(SocketAddress controlPlane) {
            this.controlPlane = controlPlane;
        }

        boolean ready(long nowNanos) {
            return !inFlight && nowNanos >= retryAtNanos;
        }

        /** Sends the report unless it says what the last one said, recently. */
        void send(Measured measured) {
            InstanceReport report = measured.report();
            long now = measured.atNanos();
            if (report.equals(lastSent) && now - lastSentNanos < HEARTBEAT_NANOS) {
                return;
            }
            inFlight = true;
            InstanceReport numbered = report.toBuilder()
                    .setSequence(measured.sequence())
                    .setMeasuredAtMicros(now / 1_000)
                    .setMemoryTotalBytes(measured.memory().totalBytes())
                    .setMemoryAvailableBytes(measured.memory().availableBytes())
                    .build();
            credential
                    .request(client, controlPlane, REPORT_INSTANCES)
                    .compose(request -> request.send(numbered))
                    .compose(response -> response.last())
                    .timeout(REPORT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .onComplete(sent -> {
                        inFlight = false;
                        if (sent.succeeded()) {
                            if (controlPlane.equals(controlPlanes.routesFrom())) {
                                resources.acknowledged(sent.result().getControlPlaneId());
                            }
                            lastSent = report;
                            lastSentNanos = now;
                            failing = false;
                            everSent = true;
                            retryDelayMs = 0;
                            unansweredInARow = 0;
                        } else {
                            failed(sent.cause());
                        }
                    });
        }

        private void failed(Throwable cause) {
            lastSent = null;
            if (cause instanceof TimeoutException) {
                if (unansweredInARow++ == 0) {
                    unansweredSinceNanos = System.nanoTime() - REPORT_TIMEOUT_MS * 1_000_000;
                }
                if (unansweredInARow >= UNANSWERED_REPORTS) {
                    unanswered.accept(controlPlane, (System.nanoTime() - unansweredSinceNanos) / 1_000_000);
                }
            } else {
                unansweredInARow = 0;
            }
            credential.callFailed();
            // Before the first report the control plane is most likely still starting.
            LOG.log(
                    everSent && !failing ? Level.WARNING : Level.DEBUG,
                    "could not report this node''s instances to the control plane at {0}: {1}; retrying",
                    controlPlane,
                    cause.toString());
            failing = true;
            if (everSent) { // before that, the control plane is starting: keep looking every 250 ms
                retryDelayMs = Math.min(MAX_RETRY_MS, Math.max(LOOK_INTERVAL_MS, retryDelayMs * 2));
                retryAtNanos = System.nanoTime() + Jitter.spread(retryDelayMs) * 1_000_000;
            }
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
