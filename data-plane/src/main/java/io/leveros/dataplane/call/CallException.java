package io.leveros.dataplane.call;

import io.vertx.grpc.common.GrpcStatus;

/**
 * A call failed for a platform reason. Carries the {@link ErrorCode} and a message that names the
 * value, the expectation and what to do. Has no stack trace: it is an answer, not a bug, and it is
 * made on the hot path.
 */
public final class CallException extends RuntimeException {
    private final ErrorCode code;
    private final GrpcStatus grpcStatus;

    public CallException(ErrorCode code, String message) {
        this(code, code.grpcStatus(), message);
    }

    /** An error with a gRPC status other than the code's default, e.g. the instance's own status. */
    public CallException(ErrorCode code, GrpcStatus grpcStatus, String message) {
        super(message, null, false, false);
        this.code = code;
        this.grpcStatus = grpcStatus;
    }

    public ErrorCode code() {
        return code;
    }

    /** The status to answer a gRPC caller with. */
    public GrpcStatus grpcStatus() {
        return grpcStatus;
    }
}
