package io.leveros.dataplane.identity;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.http.HttpHeaders;

/**
 * The forwarding port's door: a forwarded call must carry the cluster's forwarding key ({@code
 * lever-forwarding-key}), which the control plane gives to authenticated data planes only, with
 * the routing snapshots. The key changes whenever a node is revoked (the revoked node's stream is
 * ended, so it never learns the new one); the previous key passes for 10 s after the change. Anything else (a local process, an instance, a host outside the cluster)
 * is refused before it is routed.
 */
public final class ForwardingKey {
    public static final CharSequence HEADER = HttpHeaders.createOptimized("lever-forwarding-key");

    private ForwardingKey() {}

    /** Whether the strings are equal, taking a time that depends only on their lengths; no allocation. */
    static boolean sameInConstantTime(String a, String b) {
        int difference = a.length() ^ b.length();
        for (int i = 0, n = Math.min(a.length(), b.length()); i < n; i++) {
            difference |= a.charAt(i) ^ b.charAt(i);
        }
        return difference == 0;
    }

    /**
     * @param given the call's {@code lever-forwarding-key}, or {@code null}
     * @param key the current routing snapshot's key (empty before the first snapshot: nothing passes)
     * @throws CallException UNAUTHENTICATED unless {@code given} is the key (compared in constant time)
     */
    public static void check(String given, String key) {
        check(given, key, "");
    }

    /**
     * As {@link #check(String, String)}, also letting {@code previous} pass: the key before the
     * membership changed, during the short overlap after the change ({@code
     * RoutingState.previousForwardingKey}), so calls sent across the change are not refused.
     */
    public static void check(String given, String key, String previous) {
        if (given != null && !previous.isEmpty() && sameInConstantTime(given, previous)) {
            return;
        }
        if (given == null || key.isEmpty() || !sameInConstantTime(given, key)) {
            throw new CallException(
                    ErrorCode.UNAUTHENTICATED,
                    "the forwarding port takes calls from the cluster's data planes only ("
                            + (given == null ? "no lever-forwarding-key" : "wrong lever-forwarding-key")
                            + "); call the public port instead");
        }
    }
}
