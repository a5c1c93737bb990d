package io.leveros.controlplane.security;

import io.leveros.controlplane.store.RedisFailures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis mode: the named tokens in the hash {@code lever:tokens} (name to the JSON {@link TokenRecord},
 * a hash, never the secret). {@code HSETNX} makes a name taken once across control planes.
 */
final class RedisTokenStore implements TokenStore {
    static final String KEY = "lever:tokens";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringRedisTemplate redis;
    private final String address;

    RedisTokenStore(StringRedisTemplate redis, String address) {
        this.redis = redis;
        this.address = address;
    }

    @Override
    public List<TokenRecord> load() {
        List<TokenRecord> tokens = new ArrayList<>();
        try {
            for (Object json : redis.opsForHash().values(KEY)) {
                tokens.add(JSON.readValue((String) json, TokenRecord.class));
            }
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
        tokens.sort(Comparator.comparing(TokenRecord::createdAt).thenComparing(TokenRecord::name));
        return tokens;
    }

    @Override
    public boolean add(TokenRecord token) {
        try {
            return Boolean.TRUE.equals(
                    redis.opsForHash().putIfAbsent(KEY, token.name(), JSON.writeValueAsString(token)));
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean remove(String name) {
        try {
            return redis.opsForHash().delete(KEY, name) > 0;
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    private RuntimeException unavailable(DataAccessException e) {
        return RedisFailures.unavailable("the token list", address, e);
    }
}
