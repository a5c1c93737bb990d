package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Everything deployed survives a restart of the platform, and no instance outlives it. */
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
            first.close();
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
