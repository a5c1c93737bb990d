/**
 * Resources (docs/resources.md): the control plane as the one authority on which node owns a
 * resource of a live version.
 *
 * <p>Start at {@link io.leveros.controlplane.resource.ResourceBindings}: binds serialized per key,
 * epochs that grow across restarts, the start-up hold, and what the nodes' reports add (last calls).
 * The gRPC calls are in {@code routing.RoutingGrpcService}, the listing in {@code
 * api.ResourceController}.
 */
package io.leveros.controlplane.resource;
