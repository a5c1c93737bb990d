/**
 * The ways calls come in. One port serves HTTP/1.1 and h2c: {@link
 * io.leveros.dataplane.ingress.IngressHandler} sends {@code application/grpc} requests to {@link
 * io.leveros.dataplane.ingress.GrpcIngress} ({@code core.LeverRPC}, bytes relayed undecoded) and
 * everything else to {@link io.leveros.dataplane.ingress.HttpApiHandler}, a chain of small steps:
 * {@link io.leveros.dataplane.ingress.Cors}, {@link io.leveros.dataplane.ingress.MethodFilter},
 * {@link io.leveros.dataplane.ingress.CallPath}, environment and route resolution ({@code
 * routing}), {@link io.leveros.dataplane.ingress.ContentKind}, {@link
 * io.leveros.dataplane.ingress.BodyReader}, forwarding, then {@link
 * io.leveros.dataplane.ingress.HttpReplies}. The internal gateway is the same handlers with
 * {@code internal = true}: private services allowed, the caller identified by its instance token.
 *
 * <p>Every handler runs on the event loop of the connection and never blocks.
 */
package io.leveros.dataplane.ingress;
