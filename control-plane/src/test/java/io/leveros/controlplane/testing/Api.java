package io.leveros.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small REST client for the control plane in tests. */
public final class Api {
    private static final JsonMapper JSON = new JsonMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    /** @param token sent as {@code Authorization: Bearer <token>} (on every GET; where asked otherwise); {@code null} for none */
    public Api(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public HttpResponse<String> get(String path) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (withToken) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public HttpResponse<String> postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(), true);
    }

    public HttpResponse<String> deploy(String environment, byte[] archive) {
        return post("/api/v1/environments/" + environment + "/deployments", "application/gzip", archive, true);
    }

    public HttpResponse<String> delete(String path, boolean withToken) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).DELETE();
        if (withToken) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** Any call, with this client's token if it has one; {@code body} {@code null} for none. */
    public HttpResponse<String> call(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    public static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
