/**
 * The Lever data plane: one per node, a Vert.x proxy in front of the node's service instances.
 *
 * <p>{@link io.leveros.dataplane.DataPlaneMain} parses the command line and {@link
 * io.leveros.dataplane.DataPlane} wires the packages, which read like the request path: {@code
 * ingress} (HTTP API, gRPC) → {@code routing} (environment, live version, privacy) → {@code
 * activator} (cold start, bounded wait) → {@code balancing} (power of two choices) → {@code
 * forwarding} (gRPC to the instance); {@code instance} is the node agent that runs the instances.
 * See docs/data-plane.md.
 */
package io.leveros.dataplane;
