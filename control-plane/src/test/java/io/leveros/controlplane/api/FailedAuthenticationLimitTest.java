package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.ControlPlaneApplication;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A real control plane with a short window: too many failed authentications block the address for a while. */
class FailedAuthenticationLimitTest {
    @TempDir
    Path dataDir;

    @Test
    void anAddressWithTooManyFailuresIsRefusedUntilTheWindowPasses() {
        try (ConfigurableApplicationContext context = SpringApplication.run(
                ControlPlaneApplication.class,
                "--lever.data-dir=" + dataDir,
                "--server.port=0",
                "--spring.grpc.server.port=0",
                "--lever.security.max-failed-authentications=3",
                "--lever.security.failed-authentication-window=3s")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            Api guesser = new Api(port, "lvt_guess");
            Api owner = new Api(port, context.getBean(AccessToken.class).value());

            assertThat(owner.get("/api/v1/environments").statusCode())
                    .as("successes do not count")
                    .isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertThat(guesser.get("/api/v1/environments").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> limited = guesser.get("/api/v1/environments");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).get("code").asString()).isEqualTo("TOO_MANY_FAILED_AUTHENTICATIONS");
            assertThat(limited.headers().firstValue("Retry-After").map(Integer::parseInt))
                    .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 3));
            assertThat(owner.get("/api/v1/environments").statusCode())
                    .as("a valid token still passes: failing on purpose locks nobody out")
                    .isEqualTo(200);
            assertThat(new Api(port, null).get("/actuator/health").statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> guesser.get("/api/v1/environments").statusCode() == 401);
            assertThat(json(owner.get("/api/v1/audit?limit=10")).findValuesAsString("action"))
                    .containsOnly("authenticate")
                    .hasSize(4);
        }
    }
}
