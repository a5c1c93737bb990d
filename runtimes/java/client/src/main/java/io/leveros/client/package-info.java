/**
 * The Java client of Lever: call any Lever service from Java over gRPC.
 *
 * <p>Start with {@link io.leveros.client.LeverClient} ({@code connect}, {@code service}, {@code
 * invokeUrl}) and {@link io.leveros.client.Endpoint#invoke}. Arguments travel as JSON through
 * Jackson (a single {@code byte[]} argument as bytes); the result is bound to the type you ask for.
 * An error raised by the service is a {@link io.leveros.client.RemoteException}, a platform error
 * (unknown service, no instance, deadline...) a {@link io.leveros.client.LeverException} carrying
 * the gRPC status code. Streaming methods ({@code invokeChan}) come later.
 */
package io.leveros.client;
