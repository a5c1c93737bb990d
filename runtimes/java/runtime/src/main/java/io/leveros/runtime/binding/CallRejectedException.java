package io.leveros.runtime.binding;

/**
 * A call the runtime refuses before the service sees it; the server turns the {@link Reason} into a
 * gRPC status and sends the message as it is.
 */
public final class CallRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a call was refused. */
    public enum Reason {
        /** No exported method of that name ({@code NOT_FOUND}). */
        METHOD_NOT_FOUND,
        /** The arguments cannot be bound to the parameters ({@code INVALID_ARGUMENT}). */
        INVALID_ARGUMENTS,
        /** A streaming method called as request/reply, or the reverse ({@code FAILED_PRECONDITION}). */
        WRONG_CALL_TYPE
    }

    private final Reason reason;

    public CallRejectedException(Reason reason, String message) {
        super(message, null, false, false); // refused calls are expected: no stack trace to fill in
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
