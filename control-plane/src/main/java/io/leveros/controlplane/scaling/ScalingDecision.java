package io.leveros.controlplane.scaling;

import java.time.Instant;

/**
 * One change of a version's instance count by the autoscaler, with why.
 *
 * @param reason what the decision saw, e.g. {@code load 13.2 (in flight 12, rate 240/s x latency
 *     0.055 s) over maxInstanceLoad 4}
 */
public record ScalingDecision(
        Instant at, String environment, String service, long version, int from, int to, String reason) {}
