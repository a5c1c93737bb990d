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
import io.leveros.dataplane.testing.RawHttp;
import io.leveros.dataplane.testing.TestDataPlane;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A port takes {@code --max-connections} connections at once: one more is answered in its own
 * protocol (503 on HTTP/1.1, a GOAWAY on HTTP/2), closed and counted, and once one closes, a new
 * one is served again.
 */
class ConnectionLimitTest {
    private static final int MAX = 3;
    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--max-connections", Integer.toString(MAX));
        controlPlane.push(snapshot(1, "dev.lever", service("hello", version(1, testInstanceArgv()))));
        await().until(() -> dataPlane.routing().ready()); // health answers 200
    }

    @AfterAll
    static void stop() throws Exception {
        dataPlane.close();
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    @Test
    void aConnectionOverTheLimitIsAnsweredInItsProtocolAndANewOneIsServedOnceOneCloses() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            await().until(() -> dataPlane.metrics().openConnections("public") == 0);
            for (int i = 0; i < MAX; i++) {
                Socket socket = connect();
                held.add(socket);
                assertThat(health(socket, false)).startsWith("HTTP/1.1 200");
            }
            assertThat(dataPlane.metrics().openConnections("public")).isEqualTo(MAX);
            long before = refusals();

            try (Socket http1 = connect()) {
                assertThat(health(http1, true))
                        .startsWith("HTTP/1.1 503")
                        .contains("retry-after: 1")
                        .contains("TOO_MANY_CONNECTIONS")
                        .contains("--max-connections");
            }
            try (Socket http2 = connect()) {
                http2.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                ByteBuffer frames = ByteBuffer.wrap(RawHttp.readUntilClosed(http2));
                assertThat(frameType(frames)).as("the server's SETTINGS first").isEqualTo(0x4);
                assertThat(frameType(frames)).as("then a GOAWAY").isEqualTo(0x7);
                assertThat(frames.getInt()).as("no stream processed").isZero();
                assertThat(frames.getInt()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
                assertThat(StandardCharsets.UTF_8.decode(frames).toString()).contains("--max-connections");
            }
            assertThat(refusals()).isEqualTo(before + 2);

            held.removeFirst().close();
            await().until(() -> dataPlane.metrics().openConnections("public") == MAX - 1);
            try (Socket again = connect()) {
                assertThat(health(again, true)).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static long refusals() {
        return dataPlane.metrics().refusals().count("public", ClientRefusals.TOO_MANY_CONNECTIONS);
    }

    private static Socket connect() throws IOException {
        return RawHttp.connect(dataPlane.port());
    }

    /** A health request; its answer's head (and, when {@code close}, everything until closed). */
    private static String health(Socket socket, boolean close) throws IOException {
        socket.getOutputStream()
                .write(("GET /_lever/health HTTP/1.1\r\nHost: x\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return close
                ? RawHttp.textUntilClosed(socket)
                : RawHttp.nextAnswer(socket).head();
    }

    private static int frameType(ByteBuffer frames) {
        int length = (frames.get() & 0xff) << 16 | (frames.get() & 0xff) << 8 | (frames.get() & 0xff);
        int type = frames.get();
        frames.get(); // flags
        frames.getInt(); // stream
        return type == 0x4 ? skip(frames, length, type) : type;
    }

    private static int skip(ByteBuffer frames, int length, int type) {
        frames.position(frames.position() + length);
        return type;
    }
}
