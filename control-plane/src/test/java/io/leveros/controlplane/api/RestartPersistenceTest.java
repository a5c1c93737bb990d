package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.ControlPlaneApplication;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.TarGz;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Deploys, stops the control plane, starts a new one on the same data dir: everything is still there. */
class RestartPersistenceTest {
    @TempDir
    Path dataDir;

    @Test
    void keepsServicesVersionsEnvironmentsAndTheTokenAcrossARestart() {
        String token;
        try (ConfigurableApplicationContext first = start()) {
            token = first.getBean(AccessToken.class).value();
            Api api = api(first, token);
            assertThat(api.deploy("dev.lever", TarGz.service("durableService")).statusCode())
                    .isEqualTo(201);
            assertThat(api.deploy("dev.lever", TarGz.service("durableService")).statusCode())
                    .isEqualTo(201);
            assertThat(api.postJson("/api/v1/environments", "{\"name\": \"kept.lever\"}")
                            .statusCode())
                    .isEqualTo(201);
        }
        try (ConfigurableApplicationContext second = start()) {
            assertThat(second.getBean(AccessToken.class).value()).isEqualTo(token);
            Api api = api(second, token);
            JsonNode service = json(api.get("/api/v1/environments/dev.lever/services/durableService"));
            assertThat(service.get("liveVersion").asLong()).isEqualTo(1);
            assertThat(service.get("startingVersion").asLong())
                    .as("v2 still starts (no node runs here to make it ready)")
                    .isEqualTo(2);
            JsonNode versions = json(api.get("/api/v1/environments/dev.lever/services/durableService/versions"));
            assertThat(versions.findValuesAsString("version")).containsExactly("2", "1");
            assertThat(api.get("/api/v1/environments/kept.lever").statusCode()).isEqualTo(200);
            assertThat(dataDir.resolve("code/dev.lever/durableService/1/lever.json"))
                    .exists();

            JsonNode third = json(api.deploy("dev.lever", TarGz.service("durableService")));
            assertThat(third.get("version").asLong()).isEqualTo(3);
        }
    }

    @Test
    void extractionFoldersLeftByACrashAreRemovedAtStartNotAtTheNextDeploy() throws Exception {
        Path leftover = Files.createDirectories(dataDir.resolve("code/.tmp-0123456789abcdef/classes"));
        Files.writeString(leftover.resolve("Half.class"), "half an archive");
        try (ConfigurableApplicationContext started = start()) {
            assertThat(dataDir.resolve("code/.tmp-0123456789abcdef")).doesNotExist();
            assertThat(dataDir.resolve("code")).isDirectory();
        }
    }

    private ConfigurableApplicationContext start() {
        return SpringApplication.run(
                ControlPlaneApplication.class,
                "--lever.data-dir=" + dataDir,
                "--server.port=0",
                "--spring.grpc.server.port=0");
    }

    private static Api api(ConfigurableApplicationContext context, String token) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Api(port, token);
    }
}
