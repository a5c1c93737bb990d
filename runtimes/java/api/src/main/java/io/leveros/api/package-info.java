/**
 * The API a Java service compiles against (with Maven scope {@code provided}; the platform supplies
 * it at run time).
 *
 * <p>A service is a plain class with a public no-arg constructor whose public methods are the
 * service's methods; it needs nothing from this package to work. Start with {@link
 * io.leveros.api.LeverError} to answer a call with a chosen error value, and {@link
 * io.leveros.api.Lever} to learn which environment, service and instance the code runs as.
 *
 * <p>Streaming methods (named {@code ...Chan}, {@code ..._chan} or {@code chan}) take a {@link
 * io.leveros.api.LeverStream} as their first parameter. A call for a resource ({@code
 * /svc/<resource>/method}) reaches an ordinary method, which reads the resource with {@link
 * io.leveros.api.Lever#resource()}; {@code newResource()} and {@code closeResource()} run when the
 * platform binds the resource to this instance and lets it go. {@link io.leveros.api.TraceContext}
 * is the W3C trace context the caller sent, which the Lever client passes on.
 */
package io.leveros.api;
