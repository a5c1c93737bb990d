package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeverClientDefaultsTest {
    @Test
    void defaultsWithoutEnvironment() {
        try (LeverClient client = LeverClient.builder(Map.of()).build()) {
            assertThat(client.host()).isEqualTo("127.0.0.1:8080");
            assertThat(client.environment()).isEqualTo("dev.lever");
            assertThat(client.instanceToken()).isNull();
        }
    }

    @Test
    void ipPortWinsOverTheGateway() {
        Map<String, String> env = Map.of(
                "LEVEROS_IP_PORT", "10.0.0.1:8080",
                "LEVEROS_INTERNAL_RPC_GATEWAY", "127.0.0.1:3838",
                "LEVEROS_INSTANCE_TOKEN", "secret",
                "LEVEROS_ENVIRONMENT", "staging.lever");
        try (LeverClient client = LeverClient.builder(env).build()) {
            assertThat(client.host()).isEqualTo("10.0.0.1:8080");
            assertThat(client.environment()).isEqualTo("staging.lever");
            assertThat(client.instanceToken())
                    .as("the credential goes only to the gateway")
                    .isNull();
        }
    }

    @Test
    void insideAnInstanceTheGatewayGetsTheToken() {
        Map<String, String> env = Map.of(
                "LEVEROS_INTERNAL_RPC_GATEWAY", "127.0.0.1:3838",
                "LEVEROS_INSTANCE_TOKEN", "secret");
        try (LeverClient client = LeverClient.builder(env).build()) {
            assertThat(client.host()).isEqualTo("127.0.0.1:3838");
            assertThat(client.instanceToken()).isEqualTo("secret");
        }
    }

    @Test
    void endpointsBuildUrls() {
        try (LeverClient client = LeverClient.builder(Map.of()).build()) {
            assertThat(client.service("hello").url("sayHello").toString())
                    .isEqualTo("lever://dev.lever/hello//sayHello");
            assertThat(client.resource("e", "s", "r/1").url("m").toString()).isEqualTo("lever://e/s/r/1/m");
            assertThatThrownBy(() -> client.service("s").url("a/b"))
                    .hasMessage("method name 'a/b' (expected: a non-empty name without /)");
        }
    }

    @Test
    void streamingMethodsNeedInvokeChan() {
        try (LeverClient client = LeverClient.builder(Map.of()).build()) {
            assertThatThrownBy(() -> client.service("s").invoke(String.class, "fooChan"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("use invokeChan for streaming methods");
        }
    }

    @Test
    void invalidTimeout() {
        assertThatThrownBy(() -> LeverClient.builder(Map.of()).timeout(Duration.ofSeconds(-1)))
                .hasMessage("timeout: PT-1S (expected: > 0)");
    }
}
