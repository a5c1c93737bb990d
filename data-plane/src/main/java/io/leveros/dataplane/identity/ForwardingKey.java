package io.leveros.dataplane.identity;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The forwarding port's door: a forwarded call must carry the cluster's forwarding key ({@code
 * lever-forwarding-key}), which the control plane gives to authenticated data planes only, with
 * the routing snapshots. Anything else (a local process, an instance, a host outside the cluster)
 * is refused before it is routed.
 */
public final class ForwardingKey {
    public static final CharSequence HEADER = HttpHeaders.createOptimized("lever-forwarding-key");

    private ForwardingKey() {}

    /**
     * @param given the call's {@code lever-forwarding-key}, or {@code null}
     * @param key the current routing snapshot's key (empty before the first snapshot: nothing passes)
     * @throws CallException UNAUTHENTICATED unless {@code given} is the key (compared in constant time)
     */
    public static void check(String given, String key) {
        if (given == null
                || key.isEmpty()
                || !MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII))) {
            throw new CallException(
                    ErrorCode.UNAUTHENTICATED,
                    "the forwarding port takes calls from the cluster's data planes only ("
                            + (given == null ? "no lever-forwarding-key" : "wrong lever-forwarding-key")
                            + "); call the public port instead");
        }
    }
}
