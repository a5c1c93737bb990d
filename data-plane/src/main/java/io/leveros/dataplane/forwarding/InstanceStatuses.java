package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Maps a non-OK gRPC status answered by an instance to a platform error (contracts.md, "Calls").
 * The exception keeps the instance's own status, which the gRPC ingress passes through unchanged.
 */
public final class InstanceStatuses {
    private InstanceStatuses() {}

    public static CallException toCallException(GrpcStatus status, String message) {
        String text = message == null || message.isEmpty() ? "(no message)" : message;
        ErrorCode code =
                switch (status) {
                    case NOT_FOUND -> ErrorCode.METHOD_NOT_FOUND;
                    case INVALID_ARGUMENT, FAILED_PRECONDITION -> ErrorCode.INVALID_ARGUMENTS;
                    case DEADLINE_EXCEEDED -> ErrorCode.INSTANCE_TIMEOUT;
                    default -> ErrorCode.INSTANCE_FAILED;
                };
        if (code == ErrorCode.INSTANCE_FAILED) {
            text = "the instance answered gRPC status " + status.name() + " (" + status.code + "): " + text;
        }
        return new CallException(code, status, text);
    }
}
