/**
 * Control planes that can fail (docs/cluster.md): which control plane leads and runs the autoscaler,
 * and the scaling targets every control plane publishes.
 *
 * <p>Start with {@link io.leveros.controlplane.cluster.Leadership}: {@link
 * io.leveros.controlplane.cluster.LeaderLease} elects one leader among the control planes of one
 * Redis, {@link io.leveros.controlplane.cluster.SoleLeader} is the single control plane of file mode.
 * {@link io.leveros.controlplane.cluster.ScalingTargets} carries the leader's targets to every control
 * plane's routing snapshots; in Redis mode ({@link io.leveros.controlplane.cluster.RedisScalingTargets})
 * they are written under the lease's fence, so an old leader cannot apply a decision.
 */
package io.leveros.controlplane.cluster;
