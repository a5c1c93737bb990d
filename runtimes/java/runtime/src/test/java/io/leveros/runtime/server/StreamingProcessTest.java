package io.leveros.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leveros.client.ClientStream;
import io.leveros.client.Endpoint;
import io.leveros.client.LeverClient;
import io.leveros.client.RemoteException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming calls to the runtime running as a real separate process, through the Java client. */
class StreamingProcessTest {
    private static final String SERVICE = "io.leveros.runtime.testservice.StreamingService";

    @Test
    void reqReplyStreamChanAsInTheOriginal(@TempDir Path dir) throws Exception {
        try (RuntimeProcess runtime = RuntimeProcess.start(RuntimeProcess.codeFolder(dir), SERVICE);
                LeverClient client = client(runtime.awaitPort())) {
            Endpoint service = client.service("test.lever", "streaming");
            ClientStream stream = service.invokeChan("ReqReplyStreamChan", "some test");
            for (String m : new String[] {"one", "two", "three"}) {
                stream.send(m);
                assertThat(stream.receive(String.class)).isEqualTo("some test:" + m + " received");
            }
            stream.close();
            assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);

            ClientStream failing = service.invokeChan("failAfterChan", 1);
            failing.send("x");
            assertThat(failing.receive(String.class)).isEqualTo("x");
            assertThatThrownBy(failing::receive)
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.valueAsText())
                            .isEqualTo("failed after 1 messages"));
            assertThatThrownBy(failing::receive).isInstanceOf(ClientStream.EndOfStream.class);
            assertThat(runtime.stderr).anyMatch(line -> line.contains("failed after 1 messages"));
        }
    }

    @Test
    void sigtermDrainsAnOpenStream(@TempDir Path dir) throws Exception {
        try (RuntimeProcess runtime = RuntimeProcess.start(RuntimeProcess.codeFolder(dir), SERVICE);
                LeverClient client = client(runtime.awaitPort())) {
            ClientStream stream =
                    client.service("test.lever", "streaming").invokeChan("ReqReplyStreamChan", "some test");
            stream.send("before");
            assertThat(stream.receive(String.class)).isEqualTo("some test:before received");

            runtime.terminate();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> runtime.stdout.stream().anyMatch(line -> line.startsWith("draining")));

            // the open stream keeps working during the drain, and ends cleanly when the client closes
            stream.send("during drain");
            assertThat(stream.receive(String.class)).isEqualTo("some test:during drain received");
            assertThat(runtime.isAlive()).isTrue();
            stream.close();
            assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);

            assertThat(runtime.awaitExit(Duration.ofSeconds(10))).isEqualTo(143); // 128 + SIGTERM
            assertThat(runtime.stdout).anyMatch(line -> line.startsWith("stopped after draining"));
            assertThat(runtime.stdout).noneMatch(line -> line.startsWith("drain timeout reached"));
        }
    }

    private static LeverClient client(int port) {
        return LeverClient.builder()
                .host("127.0.0.1:" + port)
                .environment("test.lever")
                .timeout(Duration.ofSeconds(10))
                .build();
    }
}
