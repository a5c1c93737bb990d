package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.NodeAgent;
import io.vertx.core.http.HttpHeaders;

/**
 * Who calls through the internal gateway: the instance whose {@code LEVEROS_INSTANCE_TOKEN} is in
 * the {@code lever-instance-token} header. The gateway takes no other caller: a missing, unknown
 * or revoked token (instances' tokens die with them) is refused.
 */
public final class CallerIdentity {
    public static final CharSequence TOKEN_HEADER = HttpHeaders.createOptimized("lever-instance-token");

    private final NodeAgent agent;

    public CallerIdentity(NodeAgent agent) {
        this.agent = agent;
    }

    /**
     * The environment of the instance holding {@code token}.
     *
     * @throws CallException UNAUTHENTICATED when no running instance of this node holds it
     */
    public String environmentOf(String token) {
        String environment = agent.environmentOf(token);
        if (environment == null) {
            throw new CallException(
                    ErrorCode.UNAUTHENTICATED,
                    (token == null
                                    ? "the call has no 'lever-instance-token' header"
                                    : "the 'lever-instance-token' " + "is not one of a running instance of this node")
                            + ": the internal gateway takes calls from instances only (the Lever client SDKs send "
                            + "LEVEROS_INSTANCE_TOKEN); call the public port from anywhere else");
        }
        return environment;
    }
}
