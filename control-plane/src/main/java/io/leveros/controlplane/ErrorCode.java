package io.leveros.controlplane;

/** The {@code code} of an error answer and the HTTP status it goes with (see docs/contracts.md). */
public enum ErrorCode {
    MALFORMED_REQUEST(400),
    INVALID_ENVIRONMENT_NAME(400),
    INVALID_ARCHIVE(400),
    INVALID_LEVER_JSON(400),
    INVALID_NODE_ID(400),
    INVALID_TOKEN_REQUEST(400),
    INVALID_JOIN_TOKEN_REQUEST(400),
    BUILT_IN_TOKEN(400),
    INVALID_TRAFFIC_SPLIT(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    ENVIRONMENT_NOT_FOUND(404),
    SERVICE_NOT_FOUND(404),
    VERSION_NOT_FOUND(404),
    TOKEN_NOT_FOUND(404),
    JOIN_TOKEN_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    ENVIRONMENT_EXISTS(409),
    ENVIRONMENT_NOT_EMPTY(409),
    DEFAULT_ENVIRONMENT(409),
    TOKEN_EXISTS(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_CONTENT_TYPE(415),
    TOO_MANY_FAILED_AUTHENTICATIONS(429),
    INTERNAL(500),
    DEPLOY_BUSY(503),
    CONSOLE_BUSY(503),
    STORE_UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
