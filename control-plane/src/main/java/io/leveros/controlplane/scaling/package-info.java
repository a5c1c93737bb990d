/**
 * The autoscaler: from the nodes' load reports to how many instances of each live version run on
 * each node.
 *
 * <p>Start at {@link io.leveros.controlplane.scaling.Autoscaler} (the model and the rules); {@link
 * io.leveros.controlplane.scaling.Ewma} is the estimator. Targets reach the data planes with the
 * routing snapshots; each decision is kept with its reason ({@link
 * io.leveros.controlplane.scaling.ScalingDecision}) for the status API.
 */
package io.leveros.controlplane.scaling;
