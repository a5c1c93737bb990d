/**
 * Routing-table push to data planes over gRPC ({@code lever.control.v1.Routing/WatchRoutes}).
 *
 * <p>{@link io.leveros.controlplane.routing.RoutingSnapshots} is the one place that compiles the store
 * into a {@code RoutingSnapshot}; {@link io.leveros.controlplane.routing.RoutesPublisher} keeps the
 * subscribers and sends each the newest snapshot after every store change; {@link
 * io.leveros.controlplane.routing.RoutingGrpcService} is the gRPC endpoint.
 */
package io.leveros.controlplane.routing;
