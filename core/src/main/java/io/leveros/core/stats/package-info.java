/**
 * Call statistics that the data planes count and the control plane reads, so both sides agree on
 * their shape: start with {@link io.leveros.core.stats.LatencyBuckets}.
 */
package io.leveros.core.stats;
