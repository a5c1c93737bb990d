package io.leveros.controlplane.resource;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.MetadataStore;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The binding authority; its start-up hold starts with the context, before the gRPC port opens. */
@Configuration(proxyBeanMethods = false)
class ResourceConfiguration {

    /** The hold is the node expiry: by then every lease a data plane had before a restart has lapsed. */
    @Bean
    @Lazy(false)
    ResourceBindings resourceBindings(MetadataStore store, NodeRegistry nodes) {
        return new ResourceBindings(store, nodes, Clock.systemUTC(), System::nanoTime, nodes.expiry());
    }
}
