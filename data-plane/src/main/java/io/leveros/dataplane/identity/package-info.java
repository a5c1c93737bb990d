/**
 * Who this node is to the control plane and to the other nodes, and who may call its forwarding
 * port. {@link io.leveros.dataplane.identity.NodeCredential} is the credential every call to the
 * control plane carries; {@link io.leveros.dataplane.identity.ForwardingKey} refuses a forwarded
 * call that does not carry the cluster's forwarding key, which only authenticated nodes receive
 * (with the routing snapshots). Instances are identified by their own tokens, in {@code instance}.
 */
package io.leveros.dataplane.identity;
