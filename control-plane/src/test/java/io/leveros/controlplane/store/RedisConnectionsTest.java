package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.testing.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The connection the Redis store and its neighbours use, against a real redis-server that restarts. */
class RedisConnectionsTest {
    @TempDir
    Path temp;

    @Test
    void failsFastWhileRedisIsDownReconnectsByItselfAndKeepsDataAcrossARestart() {
        try (RedisServer redis = RedisServer.start(temp)) {
            StoreLocation.Redis location = (StoreLocation.Redis) StoreLocation.parse(redis.url());
            LettuceConnectionFactory factory = RedisConnections.connectionFactory(location);
            try {
                StringRedisTemplate template = new StringRedisTemplate(factory);
                template.opsForValue().set("kept", "yes");

                redis.stop();
                long started = System.nanoTime();
                assertThatThrownBy(() -> template.opsForValue().get("kept")).isInstanceOf(DataAccessException.class);
                assertThat((System.nanoTime() - started) / 1_000_000)
                        .isLessThanOrEqualTo(RedisConnections.COMMAND_TIMEOUT.toMillis() + 500);

                redis.start();
                await().ignoreExceptions()
                        .until(() -> "yes".equals(template.opsForValue().get("kept")));
            } finally {
                factory.destroy();
            }
        }
    }
}
