package io.leveros.controlplane.security;

import io.leveros.controlplane.LeverProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Makes the token at start (so the CLI finds it as soon as the control plane is up) and guards /api/. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    @Lazy(false)
    AccessToken accessToken(LeverProperties properties) {
        return AccessToken.loadOrCreate(properties.tokenFile());
    }

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(AccessToken token) {
        FilterRegistrationBean<BearerTokenFilter> registration =
                new FilterRegistrationBean<>(new BearerTokenFilter(token));
        registration.addUrlPatterns("/api/*");
        return registration;
    }
}
