package io.leveros.cli;

/** An error the user can act on; the CLI prints its message as one line and exits with 1. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
