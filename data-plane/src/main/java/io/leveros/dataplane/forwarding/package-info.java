/**
 * Sends calls to instances. {@link io.leveros.dataplane.forwarding.CallForwarder} takes a lease
 * from the activator, {@link io.leveros.dataplane.forwarding.InstanceClient} sends the call's
 * {@code RPC} message bytes, undecoded, over h2c gRPC to the instance's loopback port and returns
 * the undecoded {@code RPCReply} bytes, or a {@code CallException} mapping the instance's gRPC
 * status, its failure or the request timeout to a platform error.
 */
package io.leveros.dataplane.forwarding;
