package io.leveros.systemtests;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus ({@value #BINARY}, Debian's package) on a free port, with its own storage
 * folder, and its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
    static final String BINARY = "/usr/bin/prometheus";

    private final int port = LeverPlatform.freePort();
    private final Path log;
    private final Process process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Path config, Path folder) throws IOException {
        this.log = folder.resolve("prometheus.log");
        this.process = new ProcessBuilder(
                        BINARY,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + folder.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Starts Prometheus on {@code config}, keeping its data and log in {@code folder}, and waits until it is ready. */
    static PrometheusServer start(Path config, Path folder) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new AssertionError(BINARY + " not found (expected Debian's prometheus package: apt-get install"
                    + " prometheus; .ci/run installs it)");
        }
        try {
            Files.createDirectories(folder);
            PrometheusServer server = new PrometheusServer(config, folder);
            await("Prometheus ready (log: " + server.log + ")")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("prometheus exited", () -> !server.process.isAlive())
                    .ignoreExceptions()
                    .until(() -> server.get("/-/ready").statusCode() == 200);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The samples an instant query returns now ({@code data.result}); throws if Prometheus refuses the query. */
    List<JsonNode> query(String promql) {
        return results(api("/api/v1/query?query=" + encode(promql), promql).path("result"));
    }

    /** {@code GET /api/v1/label/<label>/values?match[]=<selector>}: the values the label has on matching series. */
    List<String> labelValues(String label, String selector) {
        return results(api("/api/v1/label/" + label + "/values?match[]=" + encode(selector), selector)).stream()
                .map(JsonNode::asText)
                .toList();
    }

    /** {@code data} of an API answer. */
    JsonNode api(String pathAndQuery) {
        return api(pathAndQuery, pathAndQuery);
    }

    private JsonNode api(String pathAndQuery, String what) {
        HttpResponse<String> response = get(pathAndQuery);
        JsonNode answer = TestServices.json(response.body());
        if (response.statusCode() != 200
                || !"success".equals(answer.path("status").asText())) {
            throw new AssertionError(
                    "Prometheus refused " + what + ": " + response.statusCode() + " " + response.body());
        }
        return answer.path("data");
    }

    private static List<JsonNode> results(JsonNode array) {
        List<JsonNode> results = new ArrayList<>();
        array.forEach(results::add);
        return results;
    }

    private HttpResponse<String> get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
