package io.leveros.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource calls to the runtime running as a real process, through the Java client: the resource
 * travels in {@code lever-url} and reaches {@code Lever.resource()} intact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceProcessTest {
    private static final String SERVICE = "io.leveros.runtime.testservice.ResourceService";
    private static final List<String> NAMES = List.of(
            "doc-1",
            "a/b/c",
            "/leading/and/trailing/",
            "日本語/é ü/😀 100% sure",
            "k/".repeat(512), // 1 KiB of ASCII
            "日".repeat(342)); // 1 KiB of UTF-8, 9 KiB escaped in the header

    @TempDir
    static Path dir;

    private RuntimeProcess runtime;
    private LeverClient client;

    @BeforeAll
    void start() throws Exception {
        runtime = RuntimeProcess.start(RuntimeProcess.codeFolder(dir.resolve("code")), SERVICE);
        client = LeverClient.builder()
                .host("127.0.0.1:" + runtime.awaitPort())
                .environment("test.lever")
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        runtime.close();
    }

    @Test
    void everyResourceNameArrivesIntact() {
        for (String name : NAMES) {
            assertThat(client.resource("test.lever", "res", name).invoke(String.class, "resource"))
                    .as("resource of %d chars", name.length())
                    .isEqualTo(name);
        }
    }

    @Test
    void aPlainCallSeesNoResource() {
        assertThat(client.service("test.lever", "res").invoke(String.class, "resource"))
                .isEmpty();
    }

    @Test
    void aStreamingMethodSeesItsResource() {
        for (String name : List.of("room/1", "日本語/é ü/😀 100% sure")) {
            ClientStream stream = client.resource("test.lever", "res", name).invokeChan("resourceChan");
            assertThat(stream.receive(String.class)).isEqualTo(name);
            stream.send("hi");
            assertThat(stream.receive(String.class)).isEqualTo(name + ":hi");
            stream.close();
            assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
        }
    }

    @Test
    void newResourceAndCloseResourceAsTheDataPlaneCallsThem() {
        String name = "life/cycle/ü";
        client.resource("test.lever", "res", name).invoke(Object.class, "NewResource");
        client.resource("test.lever", "res", name).invoke(Object.class, "CloseResource");
        assertThat(client.service("test.lever", "res").invoke(String[].class, "resourceEvents"))
                .containsSubsequence("new:" + name, "close:" + name);
    }
}
