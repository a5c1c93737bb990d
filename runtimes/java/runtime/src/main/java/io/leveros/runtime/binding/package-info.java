/**
 * From wire values to Java calls and back: the method table of a service and how each method binds
 * its arguments and encodes its reply.
 *
 * <p>Start reading at {@link io.leveros.runtime.binding.MethodTable} (which methods are exported,
 * overload rejection), then {@link io.leveros.runtime.binding.ServiceMethod} (one compiled method:
 * a {@code MethodHandle} plus an {@code ArgumentBinder} and a {@code ReplyEncoder}, all made at
 * start-up). {@code ValueBinders} holds the per-type conversions, {@link
 * io.leveros.runtime.binding.JsonMapping} the Jackson configuration. Nothing here knows about gRPC:
 * a refused call is a {@link io.leveros.runtime.binding.CallRejectedException} with a reason that
 * the server maps to a status.
 */
package io.leveros.runtime.binding;
