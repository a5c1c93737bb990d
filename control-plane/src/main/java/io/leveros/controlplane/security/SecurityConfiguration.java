package io.leveros.controlplane.security;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.audit.AuditLog;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Makes the root token at start (so the CLI finds it as soon as the control plane is up), reads the
 * named tokens, and puts {@link ApiAccessFilter} in front of every path ({@link AccessRules} decides
 * which need what).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    /** Addresses whose failures are counted at once; bounds the rate limiter's memory. */
    private static final int TRACKED_ADDRESSES = 10_000;

    @Bean
    @Lazy(false)
    AccessToken accessToken(LeverProperties properties) {
        OwnerOnlyFiles.restrictDirectory(properties.dataDir());
        return AccessToken.loadOrCreate(properties.tokenFile());
    }

    @Bean
    @Lazy(false)
    TokenRegistry tokenRegistry(AccessToken root, LeverProperties properties) {
        return new TokenRegistry(root, new TokenFile(properties.dataDir().resolve("tokens.json")), Clock.systemUTC());
    }

    @Bean
    FailedAuthentications failedAuthentications(
            @Value("${lever.security.max-failed-authentications:10}") int maxFailures,
            @Value("${lever.security.failed-authentication-window:60s}") Duration window) {
        return new FailedAuthentications(maxFailures, window, TRACKED_ADDRESSES, Clock.systemUTC());
    }

    @Bean
    FilterRegistrationBean<ApiAccessFilter> apiAccessFilter(
            TokenRegistry tokens, FailedAuthentications failures, AuditLog audit, AccessToken root) {
        FilterRegistrationBean<ApiAccessFilter> registration =
                new FilterRegistrationBean<>(new ApiAccessFilter(tokens, failures, audit, root.file()));
        registration.addUrlPatterns("/*");
        return registration;
    }
}
