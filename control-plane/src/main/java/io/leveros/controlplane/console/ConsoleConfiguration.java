package io.leveros.controlplane.console;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The console's settings and the filter that sets its pages' headers. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {
    @Bean
    ConsoleSettings consoleSettings(@Value("${lever.console.ingress-url:http://127.0.0.1:8080}") String ingressUrl) {
        return new ConsoleSettings(ingressUrl);
    }

    @Bean
    FilterRegistrationBean<ConsoleHeaders> consoleHeaders(ConsoleSettings settings) {
        FilterRegistrationBean<ConsoleHeaders> registration =
                new FilterRegistrationBean<>(new ConsoleHeaders(settings));
        registration.addUrlPatterns("/*");
        return registration;
    }
}
