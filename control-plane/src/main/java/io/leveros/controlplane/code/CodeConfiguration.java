package io.leveros.controlplane.code;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.StoreLocation;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The code archives, packed for every version (and, in Redis mode, kept in the shared store) before any
 * node can ask for one.
 */
@Configuration(proxyBeanMethods = false)
class CodeConfiguration {

    @Bean
    @Lazy(false)
    CodeArchives codeArchives(
            LeverProperties properties, MetadataStore store, ObjectProvider<RedisConnectionFactory> redis) {
        CodeArchives archives =
                switch (properties.storeLocation()) {
                    case StoreLocation.File file -> new CodeArchives(properties.codeDir());
                    case StoreLocation.Redis location ->
                        new CodeArchives(
                                properties.codeDir(), new RedisCodeStore(redis.getObject(), location.toString()));
                };
        archives.packUnpacked(store);
        archives.shareUnshared(store);
        ExecutorService forgetter = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("lever-code-forgetter").factory());
        store.addChangeListener(snapshot -> forgetter.execute(() -> archives.forgetDropped(store.snapshot())));
        archives.forgetDropped(store.snapshot());
        return archives;
    }

    @Bean
    CodeStreaming codeStreaming(MetadataStore store, CodeArchives archives) {
        return new CodeStreaming(store, archives);
    }
}
