package io.leveros.client;

import io.grpc.Status;

/**
 * The platform could not complete a call: the service, environment or method does not exist, the
 * arguments do not fit, no instance could be made ready, the deadline passed... The {@link #code()}
 * is the gRPC status the data plane (or the instance) answered, the message says what went wrong.
 *
 * <p>An error raised by the service itself is a {@link RemoteException} instead.
 */
public class LeverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final String url;

    public LeverException(Status.Code code, String url, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.url = url;
    }

    /** The gRPC status code, e.g. {@code NOT_FOUND}, {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}. */
    public Status.Code code() {
        return code;
    }

    /** The Lever URL that was called. */
    public String url() {
        return url;
    }
}
