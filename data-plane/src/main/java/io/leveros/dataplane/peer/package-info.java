/**
 * The other nodes of a cluster, as this data plane uses them: node-to-node forwarding.
 *
 * <p>{@link io.leveros.dataplane.peer.InstanceReporter} tells the control plane which live versions
 * this node has ready instances of; the routing snapshots bring back what every node reported, and
 * each route lists the {@link io.leveros.dataplane.peer.Peer}s that serve its live version. A call
 * for a version with no ready instance here goes to a peer's forwarding port (3500), which serves
 * it with its own instances and never forwards it again, instead of waiting for a local start.
 */
package io.leveros.dataplane.peer;
