package io.leveros.runtime.binding;

import io.leveros.proto.core.JSON;

/**
 * Turns one wire value into a Java value of one parameter's type. Chosen once per parameter at
 * start-up by {@link ValueBinders#forType}; called for every call.
 */
@FunctionalInterface
interface ValueBinder {
    /**
     * Binds {@code value} (never JSON null for a primitive type; that is refused before).
     *
     * @throws Mismatch when the value does not fit the type
     */
    Object bind(JSON value) throws Mismatch;

    /** The value does not fit; {@code detail} says why when more than the kinds can tell. */
    final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String detail) {
            super(detail, null, false, false);
        }

        /** A mismatch with nothing to add to "expected T, got a K (v)". */
        static Mismatch ofKind() {
            return new Mismatch(null);
        }
    }
}
