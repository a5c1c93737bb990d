package io.leveros.runtime;

/**
 * The runtime cannot serve the service; the message is the one line printed on stderr before the
 * process exits non-zero, so it says what is wrong and what to do about it.
 */
public final class StartFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartFailure(String message) {
        super(message, null, false, false);
    }
}
