package io.leveros.dataplane.ingress;

import io.leveros.dataplane.instance.NodeAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who calls through the internal gateway: the instance whose {@code LEVEROS_INSTANCE_TOKEN} is in
 * the {@code lever-instance-token} header. An unknown or missing token is an external caller.
 */
public final class CallerIdentity {
    public static final CharSequence TOKEN_HEADER = HttpHeaders.createOptimized("lever-instance-token");

    private final NodeAgent agent;

    public CallerIdentity(NodeAgent agent) {
        this.agent = agent;
    }

    /** The caller's environment, or {@code null} when the caller is not a known instance. */
    public String environmentOf(HttpServerRequest request) {
        return agent.environmentOf(request.getHeader(TOKEN_HEADER));
    }

    public String environmentOfToken(String token) {
        return agent.environmentOf(token);
    }
}
