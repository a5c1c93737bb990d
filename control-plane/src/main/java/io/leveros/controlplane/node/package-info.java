/**
 * The nodes of the cluster as the control plane knows them: each data plane's forwarding address
 * and the live versions it has ready instances of, from its {@code ReportInstances} calls.
 *
 * <p>{@link io.leveros.controlplane.node.NodeRegistry} keeps the reports in memory (they are
 * rebuilt within seconds after a restart, so they are never stored) and drops a node that stops
 * reporting; the routes publisher sends them to every data plane with the routing snapshots.
 *
 * <p>Membership: {@link io.leveros.controlplane.node.JoinTokens} (cluster join tokens) and {@link
 * io.leveros.controlplane.node.ClusterJoin} (the {@code JoinCluster} rpc) let a new node get its
 * credential; {@link io.leveros.controlplane.node.NodeCredentials} issues, checks and revokes
 * credentials and derives the forwarding key; {@link io.leveros.controlplane.node.NodeAuthentication}
 * guards every gRPC call.
 */
package io.leveros.controlplane.node;
