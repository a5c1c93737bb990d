package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.TestDataPlane;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client whose request body stops arriving is answered 408, cut off and counted. */
class SlowClientsTest {
    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--body-timeout", "500ms");
        controlPlane.push(snapshot(1, "dev.lever", service("hello", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready());
    }

    @AfterAll
    static void stop() throws Exception {
        dataPlane.close();
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    @Test
    void aBodyThatStopsArrivingIs408AndTheConnectionIsClosed() throws IOException {
        long before = refusals(ClientRefusals.BODY_TIMEOUT);
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(("POST /hello/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 100\r\n\r\n[\"only part")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(socket);
            assertThat(answer)
                    .startsWith("HTTP/1.1 408")
                    .contains("REQUEST_TIMEOUT")
                    .contains("--body-timeout");
        }
        assertThat(refusals(ClientRefusals.BODY_TIMEOUT)).isEqualTo(before + 1);
    }

    private static long refusals(String reason) {
        return dataPlane.metrics().refusals().count("public", reason);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", dataPlane.port());
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        return socket;
    }

    /** Everything the server sends until it closes the connection (fails on the 10 s read timeout). */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) != -1; ) {
            answer.write(buffer, 0, n);
        }
        return answer.toString(StandardCharsets.US_ASCII);
    }
}
