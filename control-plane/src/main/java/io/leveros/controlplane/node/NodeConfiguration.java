package io.leveros.controlplane.node;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.security.FailedAuthentications;
import io.leveros.controlplane.security.OwnerOnlyFiles;
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
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * The node registry, the timer that drops nodes that stopped reporting, and node authentication:
 * the credentials, the gRPC interceptor that checks them, and the local node's credential.
 */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

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
    NodeCredentials nodeCredentials(LeverProperties properties) {
        return NodeCredentials.load(properties.dataDir(), Clock.systemUTC());
    }

    @Bean
    JoinTokens joinTokens(LeverProperties properties) {
        return new JoinTokens(new JoinTokenFile(properties.dataDir().resolve("join-tokens.json")), Clock.systemUTC());
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
