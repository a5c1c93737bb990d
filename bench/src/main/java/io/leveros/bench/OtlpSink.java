package io.leveros.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for a benchmark: an OTLP/HTTP endpoint on 127.0.0.1 (any free
 * port) that answers every {@code POST /v1/traces} 200 with an empty body and throws the spans away,
 * counting them by the {@code "spanId"} keys in the JSON (a parent's key is {@code "parentSpanId"},
 * not counted). One thread of the JDK's {@code HttpServer}, in the benchmark's own process.
 */
final class OtlpSink implements AutoCloseable {
    private static final byte[] SPAN_ID = "\"spanId\"".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private OtlpSink(HttpServer server) {
        this.server = server;
    }

    static OtlpSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        OtlpSink sink = new OtlpSink(server);
        server.createContext("/", sink::handle);
        server.start();
        return sink;
    }

    /** The endpoint to give a data plane's {@code --otlp-endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Spans received so far. */
    long spans() {
        return spans.get();
    }

    /** Export requests (batches) received so far. */
    long requests() {
        return requests.get();
    }

    /** Request body bytes received so far. */
    long bytes() {
        return bytes.get();
    }

    /**
     * CPU time so far of the sink's thread (the JDK's {@code HTTP-Dispatcher}, which runs the handler
     * too), in nanoseconds: the first field of its {@code /proc/self/task/<tid>/schedstat}.
     */
    long cpuNanos() throws IOException {
        long nanos = 0;
        try (var threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : threads.toList()) {
                try {
                    if (Files.readString(thread.resolve("comm")).startsWith("HTTP-Dispatcher")) {
                        String schedstat = Files.readString(thread.resolve("schedstat"));
                        nanos += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return nanos;
    }

    /** Called on the server's dispatcher thread, one exchange at a time. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            if (exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().equals("/v1/traces")) {
                requests.incrementAndGet();
                bytes.addAndGet(body.length);
                spans.addAndGet(count(body));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static int count(byte[] body) {
        int found = 0;
        outer:
        for (int i = 0; i <= body.length - SPAN_ID.length; i++) {
            for (int j = 0; j < SPAN_ID.length; j++) {
                if (body[i + j] != SPAN_ID[j]) {
                    continue outer;
                }
            }
            found++;
            i += SPAN_ID.length - 1;
        }
        return found;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
