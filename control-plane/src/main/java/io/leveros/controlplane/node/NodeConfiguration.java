package io.leveros.controlplane.node;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The node registry, and the timer that drops nodes that stopped reporting. */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

    /** @param expiry {@code lever.node-expiry}: data planes report every 2 s, so 6 s is three missed reports */
    @Bean
    @Lazy(false)
    NodeRegistry nodeRegistry(@Value("${lever.node-expiry:6s}") Duration expiry) {
        return new NodeRegistry(expiry);
    }

    @Bean(destroyMethod = "shutdownNow")
    @Lazy(false)
    ScheduledExecutorService nodeExpiryTimer(NodeRegistry registry) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("node-expiry").factory());
        timer.scheduleWithFixedDelay(() -> registry.expire(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        return timer;
    }
}
