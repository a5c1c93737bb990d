package io.leveros.core.url;

/** A text that is not a valid Lever URL; the message says what is wrong and what was expected. */
public final class InvalidLeverUrlException extends IllegalArgumentException {
    public InvalidLeverUrlException(String message) {
        super(message);
    }
}
