package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.grpc.Status;
import io.leveros.runtime.RuntimeConfig;
import io.leveros.runtime.binding.JsonMapping;
import io.leveros.runtime.binding.MethodTable;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.server.RuntimeServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the real Java runtime, started in this JVM on a free port. */
class LeverClientRuntimeTest {
    private static RuntimeServer server;
    private static LeverClient client;
    private static Endpoint service;

    @BeforeAll
    static void start() throws Exception {
        ClassLoader loader = CalledService.class.getClassLoader();
        MethodTable table = MethodTable.build(
                new LoadedService(CalledService.class, new CalledService(), loader), new JsonMapping(loader));
        RuntimeConfig config =
                new RuntimeConfig(CalledService.class.getName(), Path.of("."), "127.0.0.1", 0, Duration.ofSeconds(1));
        server = RuntimeServer.start(config, table, loader);
        client = LeverClient.builder()
                .host("127.0.0.1:" + server.port())
                .environment("test.lever")
                .timeout(Duration.ofSeconds(10))
                .build();
        service = client.service("test.lever", "called");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.drain();
    }

    @Test
    void invokes() {
        assertThat(service.invoke(String.class, "sayHello", "world")).isEqualTo("Hello, world!");
        assertThat(service.invoke(CalledService.Point.class, "move", new CalledService.Point(1, 2), 10, 20))
                .isEqualTo(new CalledService.Point(11, 22));
        assertThat(service.invoke(new TypeReference<List<Integer>>() {}, "reversed", List.of(1, 2, 3)))
                .containsExactly(3, 2, 1);
        assertThat(service.invoke(Void.class, "doNothing")).isNull();
        assertThat(service.invoke(java.util.Map.class, "move", java.util.Map.of("x", 1, "y", 1), 1, 2))
                .containsEntry("x", 2)
                .containsEntry("y", 3);
    }

    @Test
    void invokesUrls() {
        assertThat(client.invokeUrl(String.class, "lever://test.lever/called/sayHello", "abs"))
                .isEqualTo("Hello, abs!");
        assertThat(client.invokeUrl(String.class, "/called/sayHello", "rel")).isEqualTo("Hello, rel!");
    }

    @Test
    void bytes() {
        assertThat(service.invoke(byte[].class, "reverseBytes", (Object) new byte[] {1, 2, 3}))
                .containsExactly(3, 2, 1);
    }

    @Test
    void remoteErrors() {
        assertThatThrownBy(() -> service.invoke(String.class, "fail", "boom"))
                .isInstanceOfSatisfying(
                        RemoteException.class, e -> assertThat(e.valueAsText()).isEqualTo("boom"))
                .hasMessage("lever://test.lever/called//fail failed: boom");
        assertThatThrownBy(() -> service.invoke(Object.class, "failWithValue"))
                .isInstanceOfSatisfying(
                        RemoteException.class,
                        e -> assertThat(e.value().get("code").asInt()).isEqualTo(42));
        assertThatThrownBy(() -> service.invoke(byte[].class, "failWithBytes"))
                .isInstanceOfSatisfying(
                        RemoteException.class, e -> assertThat(e.bytes()).containsExactly(1, 2, 3));
    }

    @Test
    void platformErrors() {
        assertThatThrownBy(() -> service.invoke(String.class, "nope"))
                .isInstanceOfSatisfying(
                        LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageStartingWith("lever://test.lever/called//nope: NOT_FOUND: method 'nope' not found in"
                        + " service 'called' (exported: ");
        assertThatThrownBy(() -> service.invoke(String.class, "sayHello", 1, 2))
                .isInstanceOfSatisfying(
                        LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageEndingWith("method 'sayHello' takes 1 argument (String name), got 2");
    }

    @Test
    void deadline() {
        try (LeverClient impatient = LeverClient.builder()
                .host("127.0.0.1:" + server.port())
                .timeout(Duration.ofMillis(100))
                .build()) {
            assertThatThrownBy(() -> impatient.service("test.lever", "called").invoke(String.class, "slow", 2000))
                    .isInstanceOfSatisfying(
                            LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        }
    }

    @Test
    void unreachableHost() throws Exception {
        int freePort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        try (LeverClient nowhere = LeverClient.connect("127.0.0.1:" + freePort)) {
            assertThatThrownBy(() -> nowhere.service("x").invoke(String.class, "m"))
                    .isInstanceOfSatisfying(
                            LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
                    .hasMessageContaining("cannot reach a Lever data plane at 127.0.0.1:" + freePort);
        }
    }
}
