package io.leveros.controlplane.code;

/**
 * An archive the shared store ({@link RedisCodeStore}) cannot give back whole: absent, or not the bytes
 * the version record names. Nothing of it is kept on disk.
 */
public final class SharedCodeException extends RuntimeException {

    /** What is wrong with the stored archive. */
    public enum Problem {
        /** No archive with that SHA-256 is stored. */
        MISSING,
        /** A chunk is absent, or the size or SHA-256 of what is stored differs from the record's. */
        DAMAGED
    }

    private final Problem problem;

    SharedCodeException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
