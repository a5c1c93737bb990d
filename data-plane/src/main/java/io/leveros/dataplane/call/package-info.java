/**
 * What every step of a call shares: the platform error codes ({@link
 * io.leveros.dataplane.call.ErrorCode}) with their HTTP status and gRPC status, the exception
 * that carries one through the handler chain ({@link io.leveros.dataplane.call.CallException}),
 * how a call's outcome is judged ({@link io.leveros.dataplane.call.CallOutcome}), and gRPC on the
 * wire below Vert.x's gRPC layer: its headers and status ({@link io.leveros.dataplane.call.GrpcHeaders})
 * and a body of one message ({@link io.leveros.dataplane.call.GrpcMessageBody}).
 */
package io.leveros.dataplane.call;
