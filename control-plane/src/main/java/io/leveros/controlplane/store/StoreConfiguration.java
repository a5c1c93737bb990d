package io.leveros.controlplane.store;

import io.leveros.controlplane.LeverProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Chooses the store backend; only the embedded one exists so far. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy(false)
    MetadataStore metadataStore(LeverProperties properties) {
        return FileMetadataStore.open(properties.storeDir(), Clock.systemUTC());
    }
}
