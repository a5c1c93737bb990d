package io.leveros.controlplane.node;

import io.leveros.controlplane.store.RedisFailures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** Redis mode: the hash {@code lever:node-revocations}, node id to epoch second; a revocation only grows. */
final class RedisNodeRevocations implements NodeRevocations {
    static final String KEY = "lever:node-revocations";
    private static final RedisScript<Long> RECORD_MAX = RedisScript.of("""
            local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            if tonumber(ARGV[2]) > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String address;

    RedisNodeRevocations(StringRedisTemplate redis, String address) {
        this.redis = redis;
        this.address = address;
    }

    @Override
    public Map<String, Long> load() {
        Map<String, Long> revocations = new HashMap<>();
        try {
            redis.opsForHash()
                    .entries(KEY)
                    .forEach((node, until) -> revocations.put((String) node, Long.parseLong((String) until)));
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the node revocations", address, e);
        }
        return revocations;
    }

    @Override
    public void record(String nodeId, long until) {
        try {
            redis.execute(RECORD_MAX, List.of(KEY), nodeId, Long.toString(until));
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the node revocations", address, e);
        }
    }
}
