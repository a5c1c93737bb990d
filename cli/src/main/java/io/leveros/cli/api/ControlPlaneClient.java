package io.leveros.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.cli.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Calls the control plane's REST API ({@code /api/v1}) with a bearer token on every call ({@code --token}
 * / {@code LEVEROS_TOKEN}, else {@code <data-dir>/token}) and turns its errors into one-line messages.
 */
public final class ControlPlaneClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String explicitToken;
    private final Path dataDir;
    private final HttpClient http;

    public ControlPlaneClient(String baseUrl, String token, Path dataDir) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.explicitToken = token;
        this.dataDir = dataDir;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Encodes one path segment (an environment or service name). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code /environments/<env>/services/<service>}, each part encoded. */
    public static String servicePath(String env, String service) {
        return "/environments/" + segment(env) + "/services/" + segment(service);
    }

    public JsonNode get(String path) {
        return send(authorized(HttpRequest.newBuilder(uri(path))).GET());
    }

    public JsonNode postJson(String path, String json) {
        return send(authorized(HttpRequest.newBuilder(uri(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public JsonNode putJson(String path, String json) {
        return send(authorized(HttpRequest.newBuilder(uri(path)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public JsonNode post(String path, String contentType, HttpRequest.BodyPublisher body) {
        return send(authorized(HttpRequest.newBuilder(uri(path)))
                .header("Content-Type", contentType)
                .timeout(Duration.ofMinutes(5))
                .POST(body));
    }

    /**
     * GETs an NDJSON answer and hands each non-empty line to {@code each} as it arrives, until the
     * answer ends (for a following answer: until this process stops).
     */
    public void lines(String path, Consumer<String> each) {
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(
                    authorized(HttpRequest.newBuilder(uri(path))).GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                throw failure(
                        response.statusCode(),
                        parse(String.join("\n", lines.toList()).getBytes(StandardCharsets.UTF_8)));
            }
            lines.filter(line -> !line.isEmpty()).forEach(each);
        } catch (UncheckedIOException e) {
            throw new CliException("the control plane at " + baseUrl + " stopped answering: "
                    + e.getCause().getMessage());
        }
    }

    public JsonNode delete(String path) {
        return send(authorized(HttpRequest.newBuilder(uri(path))).DELETE());
    }

    private URI uri(String path) {
        try {
            return URI.create(baseUrl + "/api/v1" + path);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid control plane URL '" + baseUrl + "' (expected e.g. http://127.0.0.1:8090)");
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        String token = token();
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private String token() {
        if (explicitToken != null && !explicitToken.isBlank()) {
            return explicitToken.trim();
        }
        Path file = dataDir.resolve("token");
        try {
            return Files.isReadable(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String tokenSource() {
        if (explicitToken != null && !explicitToken.isBlank()) {
            return "the token given by --token or LEVEROS_TOKEN";
        }
        Path file = dataDir.resolve("token");
        return Files.isReadable(file)
                ? "the token from " + file + "; give another with --data-dir, --token or LEVEROS_TOKEN"
                : "no token: there is no readable " + file + "; give one with --data-dir, --token or LEVEROS_TOKEN";
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return body;
        }
        throw failure(status, body);
    }

    private CliException unreachable(IOException e) {
        if (e instanceof ConnectException) {
            return new CliException("cannot reach the control plane at " + baseUrl
                    + " (is the platform running? Start it with: lever up, or point --api at it)");
        }
        return new CliException("talking to the control plane at " + baseUrl + " failed: " + e.getMessage());
    }

    /** The error of an answer that is not a success, with the token the CLI sent when it was refused. */
    private CliException failure(int status, JsonNode body) {
        String message =
                body != null && body.hasNonNull("message") ? body.get("message").asText() : "HTTP " + status;
        if (status == 401) {
            return new CliException(message + " (the CLI sent " + tokenSource() + ")");
        }
        return new CliException(message);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
