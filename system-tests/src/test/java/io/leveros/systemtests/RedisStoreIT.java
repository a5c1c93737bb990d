package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.testing.RedisServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code lever up --store redis://...}: the metadata lives in a real redis-server and survives its restart. */
class RedisStoreIT {

    @Test
    void aPlatformOnARedisStoreKeepsWhatWasDeployedAcrossARedisRestart() throws Exception {
        Path redisDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "redis-store-");
        try (RedisServer redis = RedisServer.start(redisDir)) {
            Path dataDir;
            try (LeverPlatform first = LeverPlatform.start("redis-store", "--store", redis.url())) {
                dataDir = first.dataDir();
                LeverPlatform.CliResult deployed = first.lever("deploy", TestServices.JAVA_HELLO.toString());
                assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
                assertThat(body(first.postJson("/helloService/sayHello", "[\"redis\"]")))
                        .isEqualTo("\"Hello, redis!\"");
                assertThat(dataDir.resolve("store"))
                        .as("no file store in Redis mode")
                        .doesNotExist();
                assertThat(dataDir.resolve("tokens.json")).doesNotExist();
            }

            redis.stop();
            redis.start();

            try (LeverPlatform second = LeverPlatform.startOn(dataDir, "redis-store-again", "--store", redis.url())) {
                assertThat(second.lever("versions", "helloService").stdout()).contains("v1");
                assertThat(body(second.postJson("/helloService/sayHello", "[\"again\"]")))
                        .isEqualTo("\"Hello, again!\"");
            }
        }
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
