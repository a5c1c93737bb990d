package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.ControlPlaneApplication;
import io.leveros.controlplane.node.JoinTokens;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.RedisMetadataStore;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.RedisServer;
import io.leveros.controlplane.testing.TarGz;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Two control planes started with lever.store=redis://... on one real redis-server: one store, one set of secrets. */
class RedisStoreIntegrationTest {
    @TempDir
    Path temp;

    @Test
    void twoControlPlanesShareTheStoreAndAnUnreachableRedisIsA503() {
        try (RedisServer redis = RedisServer.start(temp);
                ConfigurableApplicationContext a = start(redis, temp.resolve("a"));
                ConfigurableApplicationContext b = start(redis, temp.resolve("b"))) {
            assertThat(a.getBean(MetadataStore.class)).isInstanceOf(RedisMetadataStore.class);
            assertThat(a.getBeanNamesForType(RedisConnectionFactory.class)).hasSize(1);
            assertThat(a.getBeanNamesForType(StringRedisTemplate.class)).hasSize(1);
            Api apiA = api(a);
            Api apiB = api(b);

            assertThat(apiA.deploy("dev.lever", TarGz.service("sharedService")).statusCode())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> apiB.get("/api/v1/environments/dev.lever/services/sharedService")
                                    .statusCode()
                            == 200);
            assertThat(json(apiB.deploy("dev.lever", TarGz.service("sharedService")))
                            .get("version")
                            .asLong())
                    .isEqualTo(2);

            redis.stop();
            HttpResponse<String> refused = apiA.postJson("/api/v1/environments", "{\"name\": \"late.lever\"}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json(refused).get("code").asString()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(json(refused).get("message").asString()).contains(redis.url());
            assertThat(apiA.get("/api/v1/environments/dev.lever/services/sharedService")
                            .statusCode())
                    .isEqualTo(200);

            redis.start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> apiA.postJson("/api/v1/environments", "{\"name\": \"late.lever\"}")
                                    .statusCode()
                            == 201);
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> apiB.get("/api/v1/environments/late.lever").statusCode() == 200);
        }
    }

    @Test
    void tokensAndNodeCredentialsMadeOnOneControlPlaneWorkOnTheOther() throws Exception {
        try (RedisServer redis = RedisServer.start(temp);
                ConfigurableApplicationContext a = start(redis, temp.resolve("a"));
                ConfigurableApplicationContext b = start(redis, temp.resolve("b"))) {
            String root = a.getBean(AccessToken.class).value();
            assertThat(b.getBean(AccessToken.class).value()).isEqualTo(root);
            assertThat(Files.readString(temp.resolve("b/token")).trim()).isEqualTo(root);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("b/token"))))
                    .isEqualTo("rw-------");
            Api apiA = api(a);

            HttpResponse<String> created = apiA.postJson("/api/v1/tokens", "{\"name\": \"ci\", \"scope\": \"read\"}");
            assertThat(created.statusCode()).isEqualTo(201);
            Api ciOnB = new Api(port(b), json(created).get("token").asString());
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> ciOnB.get("/api/v1/environments").statusCode() == 200);
            assertThat(api(b).postJson("/api/v1/tokens", "{\"name\": \"ci\", \"scope\": \"read\"}")
                            .statusCode())
                    .isEqualTo(409);
            assertThat(apiA.delete("/api/v1/tokens/ci", true).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> ciOnB.get("/api/v1/environments").statusCode() == 401);

            NodeCredentials credentialsA = a.getBean(NodeCredentials.class);
            NodeCredentials credentialsB = b.getBean(NodeCredentials.class);
            String node = credentialsA.issue("node-7");
            assertThat(credentialsB.verify(node)).isEqualTo("node-7");
            assertThat(credentialsB.forwardingKey()).isEqualTo(credentialsA.forwardingKey());
            String keyBefore = credentialsB.forwardingKey();
            credentialsA.revoke("node-7");
            await().atMost(Duration.ofSeconds(2)).until(() -> credentialsB.verify(node) == null);
            assertThat(credentialsB.forwardingKey())
                    .as("the revocation on A rotates the forwarding key B sends")
                    .isNotEqualTo(keyBefore)
                    .isEqualTo(credentialsA.forwardingKey());

            JoinTokens joinTokensA = a.getBean(JoinTokens.class);
            JoinTokens joinTokensB = b.getBean(JoinTokens.class);
            JoinTokens.CreatedJoinToken joinToken = joinTokensA.create(Duration.ofHours(1), "root");
            assertThat(joinTokensB.verify(joinToken.token()))
                    .as("a join token made on A joins a node through B")
                    .isEqualTo(joinToken.info().id());
            joinTokensB.revoke(joinToken.info().id());
            assertThat(joinTokensA.verify(joinToken.token())).isNull();
            assertThat(temp.resolve("a/join-tokens.json")).doesNotExist();

            assertThat(temp.resolve("a/cluster.key")).doesNotExist();
            assertThat(temp.resolve("a/tokens.json")).doesNotExist();
            assertThat(temp.resolve("a/node-revocations")).doesNotExist();
        }
    }

    private static ConfigurableApplicationContext start(RedisServer redis, Path dataDir) {
        return SpringApplication.run(
                ControlPlaneApplication.class,
                "--lever.data-dir=" + dataDir,
                "--lever.store=" + redis.url(),
                "--server.port=0",
                "--spring.grpc.server.port=0");
    }

    private static Api api(ConfigurableApplicationContext context) {
        return new Api(port(context), context.getBean(AccessToken.class).value());
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
