package io.leveros.controlplane.deploy;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.archive.ArchiveLimits;
import io.leveros.controlplane.cluster.Leadership;
import io.leveros.controlplane.code.CodeArchives;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.scaling.Autoscaler;
import io.leveros.controlplane.store.MetadataStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Wires the deploy pipeline from {@code lever.deploy.*}. */
@Configuration(proxyBeanMethods = false)
class DeployConfiguration {

    @Bean
    ArchiveExtractor archiveExtractor(LeverProperties properties) {
        LeverProperties.Deploy deploy = properties.deploy();
        return new ArchiveExtractor(new ArchiveLimits(
                deploy.maxArchiveBytes().toBytes(), deploy.maxExtractedBytes().toBytes(), deploy.maxFiles()));
    }

    /** Made at start, not at the first deploy: it removes what an interrupted deploy left. */
    @Bean
    @Lazy(false)
    DeployService deployService(
            MetadataStore store, ArchiveExtractor extractor, CodeArchives archives, LeverProperties properties) {
        return new DeployService(store, extractor, archives, properties);
    }

    @Bean
    VersionStarts versionStarts(
            MetadataStore store,
            NodeRegistry nodes,
            Autoscaler autoscaler,
            Leadership leadership,
            LeverProperties properties,
            MeterRegistry registry) {
        return new VersionStarts(
                store, nodes, autoscaler, leadership, properties.deploy().startTimeout(), registry);
    }
}
