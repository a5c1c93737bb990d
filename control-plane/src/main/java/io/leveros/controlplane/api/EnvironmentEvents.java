package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.scaling.Autoscaler;
import io.leveros.controlplane.scaling.ScalingDecision;
import io.leveros.controlplane.service.ServiceCatalog;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/environments/{env}/events}: an environment's services, their instances, the
 * autoscaler's view of them and its recent decisions, as server-sent events (docs/console.md). The
 * state goes out at once, then every {@link #TICK} when it changed, with a comment line after
 * {@link #KEEP_ALIVE} of silence so proxies keep the connection; an environment that goes away ends
 * its streams with {@code event: deleted}. One timer serves every reader; a reader that left is
 * dropped at its next send.
 */
@RestController
class EnvironmentEvents {
    static final Duration TICK = Duration.ofSeconds(2);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** A stream ends after this long; the browser's EventSource opens it again by itself. */
    private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    private static final int MAX_DECISIONS = 50;

    private static final Logger log = LoggerFactory.getLogger(EnvironmentEvents.class);

    private final ServiceCatalog catalog;
    private final NodeRegistry nodes;
    private final Autoscaler autoscaler;
    private final JsonMapper json;
    private final Map<SseEmitter, Reader> readers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("environment-events").factory());

    /** What one reader was sent last, and when. */
    private static final class Reader {
        final String environment;
        EnvironmentState lastSent;
        long lastSentNanos;

        Reader(String environment) {
            this.environment = environment;
        }
    }

    /**
     * @param instances by service
     * @param versions the autoscaler's view of this environment's live versions
     * @param decisions this environment's, newest first
     */
    record EnvironmentState(
            Instant at,
            String environment,
            List<ServiceView> services,
            Map<String, List<InstanceView>> instances,
            List<Autoscaler.VersionStatus> versions,
            List<ScalingDecision> decisions) {}

    EnvironmentEvents(ServiceCatalog catalog, NodeRegistry nodes, Autoscaler autoscaler, JsonMapper json) {
        this.catalog = catalog;
        this.nodes = nodes;
        this.autoscaler = autoscaler;
        this.json = json;
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @GetMapping("/api/v1/environments/{env}/events")
    @Operation(summary = "An environment's services, instances, load and scaling decisions, as server-sent events")
    SseEmitter events(@PathVariable("env") String env) {
        Snapshot first = snapshot(env); // 404 for an unknown environment, before the stream starts
        SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
        Reader reader = new Reader(env);
        emitter.onCompletion(() -> readers.remove(emitter));
        emitter.onTimeout(() -> readers.remove(emitter));
        emitter.onError(failure -> readers.remove(emitter));
        readers.put(emitter, reader);
        timer.execute(() -> send(emitter, reader, first));
        return emitter;
    }

    private void tick() {
        Map<String, Snapshot> snapshots = new HashMap<>();
        for (Map.Entry<SseEmitter, Reader> entry : readers.entrySet()) {
            Reader reader = entry.getValue();
            Snapshot snapshot;
            try {
                snapshot = snapshots.computeIfAbsent(reader.environment, this::snapshot);
            } catch (ControlPlaneException gone) {
                end(entry.getKey(), "deleted", gone.getMessage());
                continue;
            } catch (RuntimeException e) {
                log.debug("Reading the state of {} for its event streams failed", reader.environment, e);
                continue;
            }
            send(entry.getKey(), reader, snapshot);
        }
    }

    /** Sends the state if it changed since the last one sent, else a keep-alive when one is due. */
    private void send(SseEmitter emitter, Reader reader, Snapshot snapshot) {
        long now = System.nanoTime();
        try {
            if (!snapshot.state().equals(reader.lastSent)) {
                emitter.send(SseEmitter.event().name("state").data(snapshot.json()));
                reader.lastSent = snapshot.state();
                reader.lastSentNanos = now;
            } else if (now - reader.lastSentNanos >= KEEP_ALIVE.toNanos()) {
                emitter.send(SseEmitter.event().comment("still here"));
                reader.lastSentNanos = now;
            }
        } catch (IOException | IllegalStateException e) {
            readers.remove(emitter); // the reader left
        }
    }

    private void end(SseEmitter emitter, String event, String message) {
        readers.remove(emitter);
        try {
            emitter.send(SseEmitter.event().name(event).data(message));
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // the reader left already
        }
    }

    /**
     * The environment's state as it is compared between ticks (records compare by value), without
     * the time and the instances' ages, which change every second by themselves; and as it is sent,
     * with them, serialized once for all its readers.
     */
    private record Snapshot(EnvironmentState state, String json) {}

    private Snapshot snapshot(String env) {
        List<ServiceView> services =
                catalog.services(env).stream().map(ServiceView::of).toList();
        Map<String, List<InstanceView>> instances =
                InstanceView.byService(nodes.known().reports().values(), env, System.currentTimeMillis());
        List<Autoscaler.VersionStatus> versions = autoscaler.statuses().values().stream()
                .filter(status -> status.environment().equals(env))
                .toList();
        List<ScalingDecision> decisions = autoscaler.recentDecisions().stream()
                .filter(decision -> decision.environment().equals(env))
                .limit(MAX_DECISIONS)
                .toList();
        Map<String, List<InstanceView>> ageless = new TreeMap<>();
        instances.forEach((service, list) ->
                ageless.put(service, list.stream().map(InstanceView::withoutAge).toList()));
        return new Snapshot(
                new EnvironmentState(null, env, services, ageless, versions, decisions),
                json.writeValueAsString(
                        new EnvironmentState(Instant.now(), env, services, instances, versions, decisions)));
    }

    /** Ends every stream as the control plane begins to stop, so its graceful shutdown does not wait for them. */
    @EventListener(ContextClosedEvent.class)
    void stop() {
        timer.shutdownNow();
        readers.keySet().forEach(SseEmitter::complete);
        readers.clear();
    }
}
