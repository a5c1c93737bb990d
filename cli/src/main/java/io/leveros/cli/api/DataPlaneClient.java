package io.leveros.cli.api;

import io.leveros.cli.CliException;
import io.leveros.core.url.LeverUrl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Calls methods through the data plane's HTTP API. */
public final class DataPlaneClient {
    private final String host;
    private final HttpClient http;

    public DataPlaneClient(String host) {
        this.host = host;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Posts {@code body} to the method named by the absolute {@code url}. */
    public HttpResponse<byte[]> call(LeverUrl url, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri(url))
                .header("Content-Type", contentType)
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the data plane at " + host
                    + " (is the platform running? Start it with: lever up, or point --host at it)");
        } catch (IOException e) {
            throw new CliException("calling " + url + " through " + host + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The data plane's {@code GET /_lever/health} answer (JSON text), whatever its status. */
    public String health() {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + host + "/_lever/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --host '" + host + "' (expected host:port, e.g. 127.0.0.1:8080)");
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (ConnectException e) {
            throw new CliException("cannot reach the data plane at " + host
                    + " (is the platform running? Start it with: lever up, or point --host at it)");
        } catch (IOException e) {
            throw new CliException("asking the data plane at " + host + " for its health failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private URI uri(LeverUrl url) {
        StringBuilder path = new StringBuilder("http://").append(host).append('/');
        path.append(encode(url.service())).append('/');
        if (url.hasResource()) {
            for (String part : url.resource().split("/", -1)) {
                path.append(encode(part)).append('/');
            }
        }
        path.append(encode(url.method())).append("?forceenv=").append(encode(url.environment()));
        try {
            return URI.create(path.toString());
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --host '" + host + "' (expected host:port, e.g. 127.0.0.1:8080)");
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
