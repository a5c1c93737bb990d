package io.leveros.controlplane.code;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.store.MetadataStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The code archives, packed for every version before any node can ask for one. */
@Configuration(proxyBeanMethods = false)
class CodeConfiguration {

    @Bean
    @Lazy(false)
    CodeArchives codeArchives(LeverProperties properties, MetadataStore store) {
        CodeArchives archives = new CodeArchives(properties.codeDir());
        archives.packUnpacked(store);
        return archives;
    }

    @Bean
    CodeStreaming codeStreaming(MetadataStore store, CodeArchives archives) {
        return new CodeStreaming(store, archives);
    }
}
