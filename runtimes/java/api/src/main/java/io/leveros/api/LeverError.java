package io.leveros.api;

/**
 * Thrown by a service method to answer the call with a chosen error value.
 *
 * <p>The value is sent to the caller as the call's error: a JSON-able value ({@code String},
 * {@code Number}, {@code Boolean}, {@code List}, {@code Map}, a record or a POJO, or {@code null})
 * travels as JSON, a {@code byte[]} travels as a byte error. Any other exception a method throws is
 * sent as its message, a JSON string.
 *
 * <pre>{@code
 * public Order find(String id) {
 *     Order order = orders.get(id);
 *     if (order == null) {
 *         throw new LeverError(Map.of("code", "NOT_FOUND", "id", id));
 *     }
 *     return order;
 * }
 * }</pre>
 */
public class LeverError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Object value;

    /** An error whose value is {@code value} (a JSON-able value, or {@code byte[]} for a byte error). */
    public LeverError(Object value) {
        super(describe(value));
        this.value = value instanceof byte[] bytes ? bytes.clone() : value;
    }

    /** An error whose value is {@code value}, caused by {@code cause} (which the caller never sees). */
    public LeverError(Object value, Throwable cause) {
        super(describe(value), cause);
        this.value = value instanceof byte[] bytes ? bytes.clone() : value;
    }

    /** The value sent to the caller; a copy for a byte error. */
    public Object value() {
        return value instanceof byte[] bytes ? bytes.clone() : value;
    }

    /** Whether this error travels as bytes rather than JSON. */
    public boolean isBytes() {
        return value instanceof byte[];
    }

    private static String describe(Object value) {
        if (value instanceof byte[] bytes) {
            return "byte error (" + bytes.length + " bytes)";
        }
        return String.valueOf(value);
    }
}
