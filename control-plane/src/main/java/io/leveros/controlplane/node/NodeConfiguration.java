package io.leveros.controlplane.node;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.security.ClusterSecrets;
import io.leveros.controlplane.security.FailedAuthentications;
import io.leveros.controlplane.security.OwnerOnlyFiles;
import io.leveros.controlplane.store.ConditionalOnRedisStore;
import io.leveros.controlplane.store.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * The node registry, the timer that drops nodes that stopped reporting, and node authentication:
 * the credentials, the gRPC interceptor that checks them, and the local node's credential.
 */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {
    private static final Logger log = LoggerFactory.getLogger(NodeConfiguration.class);

    /** @param expiry {@code lever.node-expiry}: data planes report every 2 s, so 6 s is three missed reports */
    @Bean
    @Lazy(false)
    NodeRegistry nodeRegistry(@Value("${lever.node-expiry:6s}") Duration expiry, MetadataStore store) {
        NodeRegistry registry = new NodeRegistry(expiry);
        registry.ram((environment, service, version) -> store.snapshot()
                .version(environment, service, version)
                .map(record -> record.ramMb() * (1L << 20))
                .orElse(0L));
        return registry;
    }

    @Bean(destroyMethod = "shutdownNow")
    @Lazy(false)
    ScheduledExecutorService nodeExpiryTimer(NodeRegistry registry) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("node-expiry").factory());
        timer.scheduleWithFixedDelay(() -> registry.expire(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        return timer;
    }

    @Bean
    @Lazy(false)
    NodeCredentials nodeCredentials(
            LeverProperties properties, ClusterSecrets secrets, ObjectProvider<StringRedisTemplate> redis) {
        StringRedisTemplate template = redis.getIfAvailable();
        NodeRevocations revocations = template == null
                ? new FileNodeRevocations(properties.dataDir().resolve("node-revocations"))
                : new RedisNodeRevocations(template, properties.storeLocation().toString());
        return NodeCredentials.load(secrets, revocations, Clock.systemUTC());
    }

    /** Redis mode: a node revoked by another control plane is refused here within a second. */
    @Bean(destroyMethod = "shutdownNow")
    @Lazy(false)
    @ConditionalOnRedisStore
    ScheduledExecutorService nodeRevocationRefreshTimer(NodeCredentials credentials) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("node-revocation-refresh").factory());
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        credentials.refresh();
                    } catch (RuntimeException e) {
                        log.debug("Refreshing the node revocations failed (the last ones read stay in force)", e);
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        return timer;
    }

    @Bean
    JoinTokens joinTokens(LeverProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        StringRedisTemplate template = redis.getIfAvailable();
        JoinTokenStore store = template == null
                ? new JoinTokenFile(properties.dataDir().resolve("join-tokens.json"))
                : new RedisJoinTokens(template, properties.storeLocation().toString());
        return new JoinTokens(store, Clock.systemUTC());
    }

    @Bean
    ClusterJoin clusterJoin(
            JoinTokens tokens,
            NodeCredentials credentials,
            NodeRegistry registry,
            FailedAuthentications failures,
            AuditLog audit) {
        return new ClusterJoin(tokens, credentials, registry, failures, audit);
    }

    /** Every gRPC service (routing, and any other the server registers) is behind it. */
    @Bean
    @GlobalServerInterceptor
    NodeAuthentication nodeAuthentication(NodeCredentials credentials, FailedAuthentications failures, AuditLog audit) {
        return new NodeAuthentication(
                credentials,
                failures, // shared with the REST API: an address's failures count on both ports
                (client, problem) -> audit.record(null, "node.authenticate", "grpc", client, Outcome.REFUSED, problem));
    }

    /**
     * With {@code lever.local-node-id} set ({@code lever up} sets it), writes a credential for that
     * node to {@code <data-dir>/local-node.credential} (owner-only) at start, for the data plane on
     * this machine ({@code --node-credential-file}).
     */
    @Bean
    @Lazy(false)
    InitializingBean localNodeCredential(
            NodeCredentials credentials,
            LeverProperties properties,
            @Value("${lever.local-node-id:}") String localNodeId) {
        Path file = properties.dataDir().resolve("local-node.credential");
        return () -> {
            if (localNodeId.isBlank()) {
                return;
            }
            try {
                OwnerOnlyFiles.writeAtomically(
                        file, (credentials.issue(localNodeId) + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the local node's credential to " + file + ": " + e, e);
            }
        };
    }
}
