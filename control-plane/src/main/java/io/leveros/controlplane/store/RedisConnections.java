package io.leveros.controlplane.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Builds the connection to the Redis store. Commands fail at once while the connection is down (they
 * are not queued), and within {@link #COMMAND_TIMEOUT} when Redis does not answer, so a write to an
 * unreachable store fails quickly and clearly; the client reconnects by itself.
 */
public final class RedisConnections {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private RedisConnections() {}

    /** A started connection factory for {@code location}; the caller destroys it. */
    public static LettuceConnectionFactory connectionFactory(StoreLocation.Redis location) {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(location.host(), location.port());
        server.setDatabase(location.database());
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(COMMAND_TIMEOUT)
                .clientOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(CONNECT_TIMEOUT)
                                .build())
                        .build())
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
