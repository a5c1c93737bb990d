package io.leveros.dataplane;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.RawHttp;
import io.leveros.dataplane.testing.TestDataPlane;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that send too slowly, or not what HTTP frames: a request whose body or headers stop
 * arriving is answered 408, cut off and counted; a connection that sends nothing is closed; one
 * kept alive between requests is not; a request too large or malformed to parse is answered and
 * its connection closed.
 */
class SlowClientsTest {
    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--body-timeout", "500ms", "--header-timeout", "1s");
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

    @Test
    void headersThatKeepTricklingInAre408AndTheConnectionIsClosed() throws Exception {
        long before = refusals(ClientRefusals.HEADER_TIMEOUT);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /hello/echo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            // A byte every 100 ms: each keeps the connection from being idle, none finishes the headers.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Thread.sleep(100);
                        out.write('X');
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the data plane, or the test is over
                }
            });
            try {
                String answer = readUntilClosed(socket);
                assertThat(answer)
                        .startsWith("HTTP/1.1 408")
                        .contains("connection: close")
                        .contains("REQUEST_TIMEOUT")
                        .contains("--header-timeout");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(ofMillis(700), ofMillis(5_000));
            } finally {
                trickle.interrupt();
            }
        }
        assertThat(refusals(ClientRefusals.HEADER_TIMEOUT)).isEqualTo(before + 1);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWithoutAnAnswer() throws IOException {
        long before = refusals(ClientRefusals.HEADER_TIMEOUT);
        try (Socket socket = connect()) {
            assertThat(readUntilClosed(socket)).isEmpty();
        }
        assertThat(refusals(ClientRefusals.HEADER_TIMEOUT)).isEqualTo(before + 1);
    }

    @Test
    void aConnectionKeptAliveBetweenRequestsOutlivesTheHeaderTimeout() throws Exception {
        long before = refusals(ClientRefusals.HEADER_TIMEOUT);
        try (Socket socket = connect()) {
            assertThat(healthOnce(socket)).startsWith("HTTP/1.1 200");
            Thread.sleep(1_500); // longer than --header-timeout, with no request under way
            assertThat(healthOnce(socket)).startsWith("HTTP/1.1 200");
        }
        assertThat(refusals(ClientRefusals.HEADER_TIMEOUT)).isEqualTo(before);
    }

    @Test
    void onAKeptAliveConnectionTheTimeoutRunsFromTheSlowRequestsFirstByte() throws Exception {
        try (Socket socket = connect()) {
            assertThat(healthOnce(socket)).startsWith("HTTP/1.1 200");
            Thread.sleep(700); // the next request begins 0.7 s into the first one's timeout
            long start = System.nanoTime();
            socket.getOutputStream().write("GET /_lever/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(ofMillis(900), ofMillis(5_000));
        }
    }

    @Test
    void aMalformedH2cUpgradeIsAnswered400AndTheConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(("GET /_lever/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                                    + "Upgrade: h2c\r\nHTTP2-Settings: not*base64url\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void aClientStillSendingARefusedBodyReadsThe413AndMayFinishSendingIt() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            int bodyBytes = 8 * 1024 * 1024; // far over the 512 KiB limit, and over the socket buffers
            out.write(("POST /hello/echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                            + bodyBytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            AtomicReference<IOException> sendFailure = new AtomicReference<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (int sent = 0; sent < bodyBytes; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    sendFailure.set(e);
                }
            });
            try {
                assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 413").contains("PAYLOAD_TOO_LARGE");
            } finally {
                sender.join();
            }
            // the rest of the body is read and dropped (up to a bound) before the connection closes
            assertThat(sendFailure.get()).as("the body's sending").isNull();
        }
    }

    @Test
    void headersLargerThanTheDataPlaneReadsAre431AndCounted() throws IOException {
        long before = refusals(ClientRefusals.TOO_LARGE_HEAD);
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(("GET /_lever/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(socket))
                    .startsWith("HTTP/1.1 431")
                    .contains("HEADERS_TOO_LARGE")
                    .contains("8192 bytes");
        }
        assertThat(refusals(ClientRefusals.TOO_LARGE_HEAD)).isEqualTo(before + 1);
    }

    /** One {@code GET /_lever/health} on a kept-alive connection: its answer's head. */
    private static String healthOnce(Socket socket) throws IOException {
        socket.getOutputStream()
                .write("GET /_lever/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return RawHttp.nextAnswer(socket).head();
    }

    private static long refusals(String reason) {
        return dataPlane.metrics().refusals().count("public", reason);
    }

    private static Socket connect() throws IOException {
        return RawHttp.connect(dataPlane.port());
    }

    private static String readUntilClosed(Socket socket) throws IOException {
        return RawHttp.textUntilClosed(socket);
    }
}
