package io.leveros.controlplane.audit;

import io.leveros.controlplane.LeverProperties;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The audit log in {@code <data-dir>/audit.log}; {@code lever.audit.memory-entries} of it in memory. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    @Lazy(false)
    AuditLog auditLog(LeverProperties properties, @Value("${lever.audit.memory-entries:1000}") int memoryEntries) {
        return AuditLog.open(properties.dataDir().resolve("audit.log"), memoryEntries, Clock.systemUTC());
    }
}
