/**
 * The ways calls come in. One port serves HTTP/1.1 and h2c: {@link
 * io.leveros.dataplane.ingress.IngressHandler} sends {@code application/grpc} requests to {@link
 * io.leveros.dataplane.ingress.GrpcIngress} ({@code core.LeverRPC}, bytes relayed undecoded) and
 * everything else to {@link io.leveros.dataplane.ingress.HttpApiHandler}, a chain of small steps:
 * {@link io.leveros.dataplane.ingress.Cors}, {@link io.leveros.dataplane.ingress.MethodFilter},
 * {@link io.leveros.dataplane.ingress.CallPath}, environment and route resolution ({@code
 * routing}), {@link io.leveros.dataplane.ingress.ContentKind}, {@link
 * io.leveros.dataplane.ingress.BodyReader}, forwarding, then {@link
 * io.leveros.dataplane.ingress.HttpReplies}. The internal gateway and the forwarding port are the
 * same handlers with another {@link io.leveros.dataplane.ingress.Ingress}: on the gateway the caller
 * must be a running instance (its token), reaches private services, and stays in its environment.
 *
 * <p>Every handler runs on the event loop of the connection and never blocks.
 */
package io.leveros.dataplane.ingress;
