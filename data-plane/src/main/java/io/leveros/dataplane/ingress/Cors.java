package io.leveros.dataplane.ingress;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** CORS as in the original: echo {@code Origin}, allow the headers browsers send with a call. */
public final class Cors {
    static final CharSequence ALLOW_ORIGIN = HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN;
    static final CharSequence ALLOW_HEADERS = HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS;
    static final CharSequence ALLOWED_HEADERS = HttpHeaders.createOptimized(
            "Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization");

    private Cors() {}

    /** Adds the CORS headers when the request has an {@code Origin}. */
    public static void apply(String origin, HttpServerResponse response) {
        if (origin != null) {
            response.putHeader(ALLOW_ORIGIN, origin);
            response.putHeader(ALLOW_HEADERS, ALLOWED_HEADERS);
        }
    }
}
