package io.leveros.controlplane.console;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * What the console's page needs from the control plane's configuration.
 *
 * @param ingressUrl where the page sends calls to services: a data plane's public HTTP address
 *     ({@code lever.console.ingress-url}; {@code lever up} sets its own)
 */
public record ConsoleSettings(String ingressUrl) {
    public ConsoleSettings {
        URI uri;
        try {
            uri = new URI(ingressUrl);
        } catch (URISyntaxException e) {
            throw invalid(ingressUrl);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || (uri.getRawPath() != null
                        && !uri.getRawPath().isEmpty()
                        && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null) {
            throw invalid(ingressUrl);
        }
        ingressUrl = uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The ingress as a WebSocket origin ({@code ws://} or {@code wss://}), for streams. */
    String webSocketUrl() {
        return "ws" + ingressUrl.substring("http".length());
    }

    private static IllegalArgumentException invalid(String url) {
        return new IllegalArgumentException("lever.console.ingress-url '" + url
                + "' is not an HTTP origin (expected: e.g. http://127.0.0.1:8080, no path)");
    }
}
