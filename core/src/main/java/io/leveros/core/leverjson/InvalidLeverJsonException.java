package io.leveros.core.leverjson;

/** A lever.json that cannot be deployed; the message names the field and what was expected. */
public final class InvalidLeverJsonException extends IllegalArgumentException {
    public InvalidLeverJsonException(String message) {
        super(message);
    }
}
