package io.leveros.controlplane.node;

import io.leveros.controlplane.store.RedisFailures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Redis mode: the hash {@code lever:join-tokens}, id to the JSON of a stored token (its hash, never the secret). */
final class RedisJoinTokens implements JoinTokenStore {
    static final String KEY = "lever:join-tokens";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringRedisTemplate redis;
    private final String address;

    RedisJoinTokens(StringRedisTemplate redis, String address) {
        this.redis = redis;
        this.address = address;
    }

    @Override
    public List<JoinTokens.StoredJoinToken> load() {
        List<JoinTokens.StoredJoinToken> tokens = new ArrayList<>();
        try {
            for (Object json : redis.opsForHash().values(KEY)) {
                tokens.add(JSON.readValue((String) json, JoinTokens.StoredJoinToken.class));
            }
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the join tokens", address, e);
        }
        tokens.sort(Comparator.comparing(JoinTokens.StoredJoinToken::createdAt));
        return tokens;
    }

    @Override
    public void add(JoinTokens.StoredJoinToken token) {
        try {
            redis.opsForHash().put(KEY, token.id(), JSON.writeValueAsString(token));
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the join tokens", address, e);
        }
    }

    @Override
    public boolean remove(String id) {
        try {
            return redis.opsForHash().delete(KEY, id) > 0;
        } catch (DataAccessException e) {
            throw RedisFailures.unavailable("the join tokens", address, e);
        }
    }
}
