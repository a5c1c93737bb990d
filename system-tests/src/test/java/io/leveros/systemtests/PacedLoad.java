package io.leveros.systemtests;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls at a fixed rate over a few kept-alive HTTP/1.1 connections, one thread each, keeping every
 * call's outcome: when it was due, how long its answer took from then (so a slow answer that makes the
 * next call late counts against that one too), the status and body, or the error. Its own sockets
 * cost the test far less CPU than {@code java.net.http} on this 2-core machine, and a fixed number of
 * connections does not turn a slow moment into a flood of new ones.
 */
final class PacedLoad implements AutoCloseable {
    private static final int CONNECTIONS = 8;

    /** One call: {@code dueNanos} on {@link System#nanoTime}'s clock; status 0 with {@code error} when none came. */
    record Outcome(long dueNanos, long latencyNanos, int status, String body, String error) {
        boolean ok() {
            return status == 200;
        }
    }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> callers = new ArrayList<>();

    private PacedLoad(int port, String path, String body, int perSecond) {
        long period = 1_000_000_000L * CONNECTIONS / perSecond;
        long start = System.nanoTime();
        byte[] request = request(port, path, body);
        for (int i = 0; i < CONNECTIONS; i++) {
            long first = start + period * i / CONNECTIONS;
            callers.add(Thread.ofPlatform()
                    .daemon()
                    .name("paced-load-" + i)
                    .start(() -> callLoop(port, request, first, period)));
        }
    }

    /** Starts calling {@code path} on the data plane's {@code port} with the JSON {@code body}, {@code perSecond} times a second. */
    static PacedLoad start(int port, String path, String body, int perSecond) {
        return new PacedLoad(port, path, body, perSecond);
    }

    private void callLoop(int port, byte[] request, long first, long period) {
        Connection connection = null;
        for (long due = first; running.get(); due += period) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                if (connection == null) {
                    connection = new Connection(port);
                }
                String[] reply = connection.call(request);
                outcomes.add(new Outcome(due, System.nanoTime() - due, Integer.parseInt(reply[0]), reply[1], null));
            } catch (IOException | RuntimeException e) {
                outcomes.add(new Outcome(due, System.nanoTime() - due, 0, null, e.toString()));
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** Every outcome so far, in no particular order. */
    List<Outcome> outcomes() {
        return new ArrayList<>(outcomes);
    }

    /** Stops calling once each connection's current call has its answer. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread caller : callers) {
            caller.join(Duration.ofSeconds(35));
        }
    }

    /** The {@code p}-th percentile (0-100) of the latencies of {@code calls}, in ms. */
    static double percentileMillis(List<Outcome> calls, double p) {
        if (calls.isEmpty()) {
            return 0;
        }
        long[] latencies =
                calls.stream().mapToLong(Outcome::latencyNanos).sorted().toArray();
        int index = (int) Math.ceil(p / 100 * latencies.length) - 1;
        return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
    }

    private static byte[] request(int port, String path, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + body.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(body, 0, bytes, head.length, body.length);
        return bytes;
    }

    /** One kept-alive connection; understands replies with a Content-Length. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        /** Sends the call; answers the status code and the body. */
        String[] call(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(header.substring(colon + 1).trim());
                }
            }
            if (length < 0) {
                throw new IOException("reply without Content-Length: " + status);
            }
            String[] parts = status.split(" ", 3);
            return new String[] {parts[1], new String(in.readNBytes(length), StandardCharsets.UTF_8)};
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
