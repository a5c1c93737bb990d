package io.leveros.controlplane.security;

import io.leveros.controlplane.store.RedisFailures;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Redis mode: each secret in {@code lever:secret:<name>}, set once with {@code SET NX} by the first
 * control plane that asks; the others read that one.
 */
final class RedisClusterSecrets implements ClusterSecrets {
    private final StringRedisTemplate redis;
    private final String address;

    RedisClusterSecrets(StringRedisTemplate redis, String address) {
        this.redis = redis;
        this.address = address;
    }

    @Override
    public String readOrCreate(String name) {
        String key = "lever:secret:" + name;
        try {
            redis.opsForValue().setIfAbsent(key, AccessToken.randomSecret());
            String secret = redis.opsForValue().get(key);
            if (secret == null || secret.isBlank()) {
                throw new IllegalStateException(
                        key + " in the Redis at " + address
                                + " is empty (expected: the secret set by the first control plane); delete it to make a new one");
            }
            return secret;
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the cluster secret '" + name + "'", address, e);
        }
    }
}
