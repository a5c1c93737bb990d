package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;

/** POST calls; OPTIONS answers 200 with the allowed methods; anything else is 405. */
public final class MethodFilter {
    static final CharSequence ALLOW_METHODS = HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS;
    static final CharSequence ALLOWED = HttpHeaders.createOptimized("POST, OPTIONS");

    private MethodFilter() {}

    /**
     * @return {@code true} when the request is a call (POST); otherwise the response is done (OPTIONS)
     * @throws CallException METHOD_NOT_ALLOWED
     */
    public static boolean isCall(HttpMethod method, String path, HttpServerResponse response) {
        if (method == HttpMethod.POST) {
            return true;
        }
        if (method == HttpMethod.OPTIONS) {
            response.putHeader(ALLOW_METHODS, ALLOWED).end();
            return false;
        }
        response.putHeader(HttpHeaders.ALLOW, ALLOWED);
        throw new CallException(
                ErrorCode.METHOD_NOT_ALLOWED,
                "HTTP method " + method.name() + " is not allowed on " + path
                        + " (expected: POST with the call's arguments, or OPTIONS)");
    }
}
