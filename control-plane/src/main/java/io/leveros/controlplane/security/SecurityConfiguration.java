package io.leveros.controlplane.security;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.store.ConditionalOnRedisStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Makes the root token at start (so the CLI finds it as soon as the control plane is up), reads the
 * named tokens, and puts {@link ApiAccessFilter} in front of every path ({@link AccessRules} decides
 * which need what).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    /** Addresses whose failures are counted at once; bounds the rate limiter's memory. */
    private static final int TRACKED_ADDRESSES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** In {@code <data-dir>}, or in Redis (shared by the cluster's control planes) in Redis mode. */
    @Bean
    ClusterSecrets clusterSecrets(LeverProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        StringRedisTemplate template = redis.getIfAvailable();
        return template == null
                ? new FileClusterSecrets(properties.dataDir())
                : new RedisClusterSecrets(template, properties.storeLocation().toString());
    }

    @Bean
    @Lazy(false)
    AccessToken accessToken(LeverProperties properties, ClusterSecrets secrets) {
        OwnerOnlyFiles.restrictDirectory(properties.dataDir());
        return AccessToken.of(secrets, properties.tokenFile());
    }

    @Bean
    @Lazy(false)
    TokenRegistry tokenRegistry(
            AccessToken root, LeverProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        StringRedisTemplate template = redis.getIfAvailable();
        TokenStore store = template == null
                ? new TokenFile(properties.dataDir().resolve("tokens.json"))
                : new RedisTokenStore(template, properties.storeLocation().toString());
        return new TokenRegistry(root, store, Clock.systemUTC());
    }

    /** Redis mode: tokens made or revoked by another control plane count here within a second. */
    @Bean(destroyMethod = "shutdownNow")
    @Lazy(false)
    @ConditionalOnRedisStore
    ScheduledExecutorService tokenRefreshTimer(TokenRegistry tokens) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("token-refresh").factory());
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        tokens.refresh();
                    } catch (RuntimeException e) {
                        log.debug("Refreshing the tokens failed (the last ones read stay in force)", e);
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        return timer;
    }

    @Bean
    FailedAuthentications failedAuthentications(
            @Value("${lever.security.max-failed-authentications:10}") int maxFailures,
            @Value("${lever.security.failed-authentication-window:60s}") Duration window) {
        return new FailedAuthentications(maxFailures, window, TRACKED_ADDRESSES, Clock.systemUTC());
    }

    @Bean
    ConsoleSessions consoleSessions(TokenRegistry tokens) {
        return new ConsoleSessions(tokens, Clock.systemUTC());
    }

    @Bean
    FilterRegistrationBean<ApiAccessFilter> apiAccessFilter(
            TokenRegistry tokens,
            ConsoleSessions sessions,
            FailedAuthentications failures,
            AuditLog audit,
            AccessToken root) {
        FilterRegistrationBean<ApiAccessFilter> registration =
                new FilterRegistrationBean<>(new ApiAccessFilter(tokens, sessions, failures, audit, root.file()));
        registration.addUrlPatterns("/*");
        return registration;
    }
}
