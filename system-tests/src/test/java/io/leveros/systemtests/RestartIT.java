package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Everything deployed survives a restart of the platform, a call in flight at the stop is answered,
 * and no instance outlives the platform.
 */
class RestartIT {

    @Test
    void deployedServicesSurviveARestart() {
        Path dataDir;
        try (LeverPlatform first = LeverPlatform.start("restart")) {
            dataDir = first.dataDir();
            assertThat(first.lever("deploy", TestServices.JAVA_HELLO.toString()).exitCode())
                    .isZero();
            assertThat(first.lever("env", "create", "staging.lever").exitCode()).isZero();
            LeverPlatform.CliResult staging =
                    first.lever("--env", "staging.lever", "deploy", TestServices.JAVA_HELLO.toString());
            assertThat(staging.exitCode()).as(staging.toString()).isZero();
            assertThat(first.lever("deploy", TestServices.JAVA_HELLO.toString()).stdout())
                    .contains("v2");
            assertThat(body(first.postJson("/helloService/sayHello", "[\"before\"]")))
                    .isEqualTo("\"Hello, before!\"");
            assertThat(first.instancePids()).isNotEmpty();

            // A call in flight when the platform is stopped still gets its answer.
            assertThat(first.lever("deploy", TestServices.JAVA_TEST_SERVICE.toString())
                            .exitCode())
                    .isZero();
            CompletableFuture<HttpResponse<byte[]>> inFlight =
                    CompletableFuture.supplyAsync(() -> first.postJson("/testService/slow", "[3000]"));
            await().atMost(Duration.ofSeconds(30)).until(() -> first.logText().contains("slow call started: 3000 ms"));
            first.close();
            HttpResponse<byte[]> answered = inFlight.join();
            assertThat(answered.statusCode()).as(body(answered)).isEqualTo(200);
            assertThat(first.instancePids())
                    .as("instances left after the platform stopped")
                    .isEmpty();
        }

        try (LeverPlatform second = LeverPlatform.startOn(dataDir, "restart-again")) {
            assertThat(body(second.postJson("/helloService/sayHello", "[\"after\"]")))
                    .isEqualTo("\"Hello, after!\"");
            assertThat(body(second.postJson("/helloService/sayHello?forceenv=staging.lever", "[\"staging\"]")))
                    .isEqualTo("\"Hello, staging!\"");
            LeverPlatform.CliResult versions = second.lever("versions", "helloService");
            assertThat(versions.stdout()).contains("v2").contains("v1");
            assertThat(second.lever("env", "list").stdout()).contains("staging.lever");
        }
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
