/**
 * What every step of a call shares: the platform error codes ({@link
 * io.leveros.dataplane.call.ErrorCode}) with their HTTP status and gRPC status, the exception
 * that carries one through the handler chain ({@link io.leveros.dataplane.call.CallException}),
 * how a call's outcome is judged ({@link io.leveros.dataplane.call.CallOutcome}), and the gRPC status
 * as it travels in trailers ({@link io.leveros.dataplane.call.GrpcStatusHeaders}).
 */
package io.leveros.dataplane.call;
