package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.RawHttp;
import io.leveros.dataplane.testing.TestDataPlane;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code --event-loops 2} each port has a server on each of two event loops: new connections
 * go to them in turn, and calls on every connection reach the instance and come back, the first
 * ones too, which wait together on both loops for the instance to start; the metrics scrape shows
 * both loops' calls in one series.
 */
class EventLoopsTest {
    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--event-loops", "2");
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
    void eachEventLoopServesCallsOfItsOwnConnections() throws IOException {
        long[] before = {requests(0), requests(1)};
        List<Socket> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                connections.add(connect());
            }
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < connections.size(); i++) {
                    send(connections.get(i), "[\"c" + i + "r" + round + "\"]");
                }
                for (int i = 0; i < connections.size(); i++) {
                    assertThat(answer(connections.get(i))).isEqualTo("[\"c" + i + "r" + round + "\"]");
                }
            }
        } finally {
            for (Socket connection : connections) {
                connection.close();
            }
        }
        assertThat(requests(0) - before[0]).as("calls loop 0 took").isEqualTo(10);
        assertThat(requests(1) - before[1]).as("calls loop 1 took").isEqualTo(10);
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write("GET /_lever/metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(answer(socket))
                    .contains(
                            "lever_dataplane_call_duration_seconds_count{environment=\"dev.lever\",ingress=\"public\"");
        }
    }

    private static long requests(int loop) {
        return dataPlane.metrics().loopRequestCount("public", loop);
    }

    private static Socket connect() throws IOException {
        return RawHttp.connect(dataPlane.port());
    }

    /** Sends {@code POST /hello/echo} on a kept-alive connection. */
    private static void send(Socket socket, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream()
                .write(("POST /hello/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                                + body.length + "\r\n\r\n" + json)
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** The body of the next answer on the connection, which must be a 200. */
    private static String answer(Socket socket) throws IOException {
        RawHttp.Answer answer = RawHttp.nextAnswer(socket);
        assertThat(answer.head()).startsWith("HTTP/1.1 200");
        return answer.bodyText();
    }
}
