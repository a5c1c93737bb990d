/**
 * The Java service runtime: runs a service class as a Lever instance serving {@code core.LeverRPC}.
 *
 * <p>Start reading at {@link io.leveros.runtime.RuntimeBootstrap}: it reads the {@link
 * io.leveros.runtime.RuntimeConfig}, loads the class ({@code loading}), compiles its public methods
 * into a method table ({@code binding}) and serves it over gRPC ({@code server}). Anything that
 * stops the start is a {@link io.leveros.runtime.StartFailure}, printed as one line before the
 * process exits with code 1 and before the port opens.
 */
package io.leveros.runtime;
