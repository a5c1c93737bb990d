package io.leveros.core.json;

/** Text that is not the JSON that was expected; the message says where and what was expected. */
public final class MalformedJsonException extends IllegalArgumentException {
    public MalformedJsonException(String message) {
        super(message);
    }
}
