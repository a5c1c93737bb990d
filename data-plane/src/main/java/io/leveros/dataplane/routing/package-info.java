/**
 * Where a call goes. The control plane pushes {@code RoutingSnapshot}s ({@link
 * io.leveros.dataplane.routing.RoutesSubscriber}); each is compiled into an immutable {@link
 * io.leveros.dataplane.routing.RoutingTable} and swapped in atomically ({@link
 * io.leveros.dataplane.routing.RoutingState}). The request path only reads the current table:
 * {@link io.leveros.dataplane.routing.EnvironmentResolver} picks the environment, {@link
 * io.leveros.dataplane.routing.RouteResolver} the service's live version and checks privacy.
 * Start reading at {@code RoutingTable}.
 */
package io.leveros.dataplane.routing;
