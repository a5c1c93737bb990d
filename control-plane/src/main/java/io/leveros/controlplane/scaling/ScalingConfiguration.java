package io.leveros.controlplane.scaling;

import io.leveros.controlplane.cluster.Leadership;
import io.leveros.controlplane.cluster.ScalingTargets;
import io.leveros.controlplane.deploy.VersionStarts;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.MetadataStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The autoscaler and the timer that ticks it ({@code lever.scaling.*}). */
@Configuration(proxyBeanMethods = false)
class ScalingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ScalingConfiguration.class);

    @Bean
    @Lazy(false)
    Autoscaler autoscaler(
            MetadataStore store,
            NodeRegistry nodes,
            @Value("${lever.scaling.tick:250ms}") Duration tick,
            @Value("${lever.scaling.scale-down-delay:45s}") Duration scaleDownDelay,
            @Value("${lever.scaling.idle-timeout:5m}") Duration idleTimeout) {
        positive("lever.scaling.tick", tick);
        positive("lever.scaling.idle-timeout", idleTimeout);
        if (scaleDownDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "lever.scaling.scale-down-delay: " + scaleDownDelay + " (expected: >= 0, e.g. 45s)");
        }
        return new Autoscaler(store, nodes, new Autoscaler.Settings(tick, scaleDownDelay, idleTimeout));
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0, e.g. 250ms)");
        }
    }

    /**
     * Ticks the autoscaler while this control plane leads, and publishes its targets whenever they
     * change, fenced by the term it leads in. Every tick asks the leadership afresh, so a leader that
     * lost its lease stops deciding at its next tick; one that (re)gains it starts from a reset.
     */
    @Bean(destroyMethod = "shutdownNow")
    @Lazy(false)
    ScheduledExecutorService scalingTimer(
            Autoscaler autoscaler,
            NodeRegistry nodes,
            MeterRegistry registry,
            Leadership leadership,
            ScalingTargets scalingTargets,
            VersionStarts versionStarts) {
        ScalingMetrics metrics = new ScalingMetrics(registry, autoscaler, nodes);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("autoscaler").factory());
        long tick = autoscaler.settings().tick().toNanos();
        LeaderTicks ticks = new LeaderTicks(autoscaler, leadership, scalingTargets, versionStarts);
        timer.scheduleAtFixedRate(
                () -> {
                    try {
                        long started = System.nanoTime();
                        if (ticks.tick(started)) {
                            metrics.ticked(System.nanoTime() - started);
                        }
                    } catch (RuntimeException e) {
                        log.error("Autoscaler tick failed; trying again at the next tick", e);
                    }
                },
                tick,
                tick,
                TimeUnit.NANOSECONDS);
        return timer;
    }
}
