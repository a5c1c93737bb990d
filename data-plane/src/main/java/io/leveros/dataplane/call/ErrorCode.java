package io.leveros.dataplane.call;

import io.vertx.grpc.common.GrpcStatus;

/**
 * The platform errors of the data plane (docs/contracts.md, "Data plane"): the JSON {@code code},
 * the HTTP status and the gRPC status used for the same problem.
 */
public enum ErrorCode {
    MALFORMED_REQUEST(400, GrpcStatus.INVALID_ARGUMENT),
    INVALID_URL(400, GrpcStatus.INVALID_ARGUMENT),
    UNSUPPORTED_CONTENT_TYPE(400, GrpcStatus.INVALID_ARGUMENT),
    INVALID_ARGUMENTS(400, GrpcStatus.INVALID_ARGUMENT),
    UNAUTHENTICATED(401, GrpcStatus.UNAUTHENTICATED),
    PRIVATE_SERVICE(403, GrpcStatus.PERMISSION_DENIED),
    OTHER_ENVIRONMENT(403, GrpcStatus.PERMISSION_DENIED),
    ENVIRONMENT_NOT_FOUND(404, GrpcStatus.NOT_FOUND),
    SERVICE_NOT_FOUND(404, GrpcStatus.NOT_FOUND),
    METHOD_NOT_FOUND(404, GrpcStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED(405, GrpcStatus.UNIMPLEMENTED),
    PAYLOAD_TOO_LARGE(413, GrpcStatus.RESOURCE_EXHAUSTED),
    /** A request line longer than the data plane reads (HTTP/1.x; the connection is closed). */
    URL_TOO_LONG(414, GrpcStatus.INVALID_ARGUMENT),
    /** Headers larger than the data plane reads (HTTP/1.x; the connection is closed). */
    HEADERS_TOO_LARGE(431, GrpcStatus.RESOURCE_EXHAUSTED),
    TOO_MANY_WAITING(429, GrpcStatus.RESOURCE_EXHAUSTED),
    /**
     * A node was sent a call for a resource it no longer owns (the binding moved): refused before
     * any instance saw it, so the sender asks where the resource is now and sends it again.
     */
    RESOURCE_MOVED(409, GrpcStatus.ABORTED),
    INSTANCE_FAILED(502, GrpcStatus.UNAVAILABLE),
    /**
     * An instance on this node took no connection (its listener closed) or refused the call's stream
     * (past its GOAWAY): it was stopped from outside the platform, or crashed, and its exit is not known
     * yet. Nothing was delivered, so the call is placed again without it; seen by a caller only when
     * every place tried refused.
     */
    INSTANCE_UNREACHABLE(502, GrpcStatus.UNAVAILABLE),
    /**
     * Another node's forwarding port could not be reached: nothing was delivered, so the call is
     * placed again elsewhere (once per node); seen by a caller only when no other place was left.
     */
    NODE_UNREACHABLE(502, GrpcStatus.UNAVAILABLE),
    NO_INSTANCE(503, GrpcStatus.UNAVAILABLE),
    /** The port already had {@code --max-connections} connections: this one is answered and closed. */
    TOO_MANY_CONNECTIONS(503, GrpcStatus.UNAVAILABLE),
    INSTANCE_TIMEOUT(504, GrpcStatus.DEADLINE_EXCEEDED),
    STREAM_IDLE(408, GrpcStatus.DEADLINE_EXCEEDED),
    /**
     * A stream ran on a version that another replaced for longer than its {@code upgradeStreamGrace}:
     * opened again, it reaches the live version.
     */
    VERSION_REPLACED(503, GrpcStatus.UNAVAILABLE),
    REQUEST_TIMEOUT(408, GrpcStatus.DEADLINE_EXCEEDED);

    private final int httpStatus;
    private final GrpcStatus grpcStatus;

    ErrorCode(int httpStatus, GrpcStatus grpcStatus) {
        this.httpStatus = httpStatus;
        this.grpcStatus = grpcStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public GrpcStatus grpcStatus() {
        return grpcStatus;
    }
}
