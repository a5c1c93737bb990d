package io.leveros.controlplane.logs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Which lines to read (docs/contracts.md, "Logs").
 *
 * @param version 0 for every version
 * @param instance empty for every instance
 * @param since epoch milliseconds, 0 for every kept line
 * @param grep empty for every line
 * @param limit the newest lines to read (before following)
 */
public record LogQuery(
        String environment, String service, long version, String instance, long since, String grep, int limit) {

    /** The query string of a node's {@code /_lever/logs}. */
    String nodeQuery(boolean follow) {
        return "env=" + encode(environment) + "&service=" + encode(service) + "&version=" + version + "&instance="
                + encode(instance) + "&since=" + since + "&grep=" + encode(grep) + "&limit=" + limit
                + (follow ? "&follow=true" : "");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
