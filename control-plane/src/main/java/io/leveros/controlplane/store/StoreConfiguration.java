package io.leveros.controlplane.store;

import io.leveros.controlplane.LeverProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Chooses the store backend from {@code lever.store}. In Redis mode it also provides the {@link
 * org.springframework.data.redis.connection.RedisConnectionFactory} and {@link StringRedisTemplate}
 * that other packages use (see {@link ConditionalOnRedisStore}); in file mode there are none. Boot's
 * own Redis auto-configuration is excluded (application.properties), so nothing connects to a default
 * localhost:6379.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy(false)
    MetadataStore metadataStore(LeverProperties properties) {
        return switch (properties.storeLocation()) {
            case StoreLocation.File file -> FileMetadataStore.open(properties.storeDir(), Clock.systemUTC());
            case StoreLocation.Redis redis ->
                throw new IllegalStateException(
                        StoreLocation.SETTING + "=" + redis + ": the Redis store is not built yet");
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnRedisStore
    static class RedisBeans {

        @Bean(destroyMethod = "destroy")
        LettuceConnectionFactory redisConnectionFactory(LeverProperties properties) {
            return RedisConnections.connectionFactory((StoreLocation.Redis) properties.storeLocation());
        }

        @Bean
        StringRedisTemplate stringRedisTemplate(LettuceConnectionFactory redisConnectionFactory) {
            return new StringRedisTemplate(redisConnectionFactory);
        }
    }
}
