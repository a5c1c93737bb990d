/**
 * The gRPC side of the runtime: {@link io.leveros.runtime.server.RuntimeServer} opens the port
 * (readiness) and drains on SIGTERM; {@code LeverUrlInterceptor} reads the {@code lever-url} header
 * of each call and {@code TraceContextInterceptor} its W3C {@code traceparent}/{@code tracestate}
 * (an invalid one is ignored); {@code LeverRpcService} implements {@code core.LeverRPC} over the method table and
 * maps refused calls to gRPC statuses ({@code NOT_FOUND}, {@code INVALID_ARGUMENT}, {@code
 * FAILED_PRECONDITION}, {@code UNIMPLEMENTED}).
 */
package io.leveros.runtime.server;
