package io.leveros.controlplane.cluster;

import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.store.StoreLocation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * File mode: this control plane alone, always the leader (term 0). Redis mode: a leader lease and
 * the targets shared through Redis.
 */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    @Bean
    @Lazy(false)
    Leadership leadership(LeverProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        String id = controlPlaneId();
        return switch (properties.storeLocation()) {
            case StoreLocation.File file -> new SoleLeader(id);
            case StoreLocation.Redis location ->
                new LeaderLease(redis.getObject(), id, LeaderLease.Settings.DEFAULT).start();
        };
    }

    @Bean
    @Lazy(false)
    ScalingTargets scalingTargets(
            LeverProperties properties,
            ObjectProvider<StringRedisTemplate> redis,
            ObjectProvider<RedisConnectionFactory> connections) {
        return switch (properties.storeLocation()) {
            case StoreLocation.File file -> new LocalScalingTargets();
            case StoreLocation.Redis location ->
                new RedisScalingTargets(redis.getObject()).start(connections.getObject());
        };
    }

    /** {@code <host>-<pid>}: unique among the control planes of a cluster, readable in logs. */
    private static String controlPlaneId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "control-plane";
        }
        return host.replace(' ', '_') + "-" + ProcessHandle.current().pid();
    }
}
