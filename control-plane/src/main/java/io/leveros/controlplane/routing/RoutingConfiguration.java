package io.leveros.controlplane.routing;

import io.leveros.controlplane.cluster.ScalingTargets;
import io.leveros.controlplane.code.CodeStreaming;
import io.leveros.controlplane.node.ClusterJoin;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.resource.ResourceBindings;
import io.leveros.controlplane.store.MetadataStore;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.ContextClosedEvent;

/** The routes publisher listens to the store from the start, so no change goes unannounced. */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean
    @Lazy(false)
    RoutesPublisher routesPublisher(
            MetadataStore store, NodeRegistry nodes, ScalingTargets targets, NodeCredentials credentials) {
        return new RoutesPublisher(store, nodes, targets, credentials);
    }

    /**
     * Ends the open watch streams when the context starts closing, before the gRPC server stops: open
     * streams would otherwise hold its graceful shutdown for the whole grace period.
     */
    @Bean
    ApplicationListener<ContextClosedEvent> closeRouteStreams(RoutesPublisher publisher) {
        return event -> publisher.closeAll();
    }

    @Bean
    @Lazy(false)
    RoutingGrpcService routingGrpcService(
            RoutesPublisher publisher,
            NodeRegistry nodes,
            MetadataStore store,
            ResourceBindings bindings,
            CodeStreaming code,
            ClusterJoin join) {
        return new RoutingGrpcService(publisher, nodes, store, bindings, code, join);
    }
}
