package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

class StoreLocationTest {
    @TempDir
    Path dataDir;

    @Test
    void fileIsTheDefault() {
        assertThat(StoreLocation.parse(null)).isEqualTo(new StoreLocation.File());
        assertThat(StoreLocation.parse("file")).isEqualTo(new StoreLocation.File());
    }

    @Test
    void redisTakesHostPortAndAnOptionalDatabase() {
        assertThat(StoreLocation.parse("redis://10.0.0.5:6379"))
                .isEqualTo(new StoreLocation.Redis("10.0.0.5", 6379, 0));
        assertThat(StoreLocation.parse("redis://redis.internal:7000/3"))
                .isEqualTo(new StoreLocation.Redis("redis.internal", 7000, 3));
        assertThat(StoreLocation.parse("redis://[::1]:6379/")).isEqualTo(new StoreLocation.Redis("::1", 6379, 0));
        assertThat(StoreLocation.parse("redis://h:1/2")).hasToString("redis://h:1/2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "redis",
                "redis://host",
                "redis://:6379",
                "mysql://h:1",
                "redis://h:1/x",
                "redis://u:p@h:1",
                "files"
            })
    void anythingElseIsRefusedNamingTheSettingAndTheAcceptedForms(String value) {
        assertThatThrownBy(() -> StoreLocation.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lever.store=" + value)
                .hasMessageContaining("expected: 'file' or 'redis://host:port[/db]'");
    }

    @Test
    void aBadSettingStopsTheStart() {
        assertThatThrownBy(() -> start("--lever.store=redis://nowhere"))
                .rootCause()
                .hasMessageContaining("lever.store=redis://nowhere is not a store (no port; expected: 'file' or "
                        + "'redis://host:port[/db]')");
    }

    @Test
    void fileModeHasNoRedisBeans() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getBeanNamesForType(RedisConnectionFactory.class))
                    .isEmpty();
            assertThat(context.getBeanNamesForType(StringRedisTemplate.class)).isEmpty();
            assertThat(context.getBean(MetadataStore.class)).isInstanceOf(FileMetadataStore.class);
        }
    }

    private ConfigurableApplicationContext start(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "--lever.data-dir=" + dataDir;
        args[1] = "--server.port=0";
        args[2] = "--spring.grpc.server.port=0";
        System.arraycopy(extra, 0, args, 3, extra.length);
        return SpringApplication.run(ControlPlaneApplication.class, args);
    }
}
