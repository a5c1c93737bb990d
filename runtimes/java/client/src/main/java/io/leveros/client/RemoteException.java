package io.leveros.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The called method raised an error: its value is JSON ({@link #value()}) or bytes ({@link
 * #bytes()}). A Java service's exception arrives as its message, a JSON string; a {@code
 * LeverError} as the value it carried.
 */
public class RemoteException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_MESSAGE_VALUE = 500;

    private final String url;
    private final transient JsonNode value;
    private final byte[] bytes;

    private RemoteException(String url, JsonNode value, byte[] bytes, String message) {
        super(message);
        this.url = url;
        this.value = value;
        this.bytes = bytes;
    }

    static RemoteException ofJson(String url, JsonNode value) {
        String text = value.isTextual() ? value.textValue() : value.toString();
        if (text.length() > MAX_MESSAGE_VALUE) {
            text = text.substring(0, MAX_MESSAGE_VALUE) + "...";
        }
        return new RemoteException(url, value, null, url + " failed: " + text);
    }

    static RemoteException ofBytes(String url, byte[] bytes) {
        return new RemoteException(url, null, bytes, url + " failed with a byte error (" + bytes.length + " bytes)");
    }

    /** The JSON error value ({@code null} for a byte error). */
    public JsonNode value() {
        return value;
    }

    /** The error value as text: a JSON string's content, other JSON as JSON text, bytes as UTF-8. */
    public String valueAsText() {
        if (value == null) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    /** The byte error value ({@code null} for a JSON error). */
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    /** Whether the error value is bytes. */
    public boolean isBytes() {
        return bytes != null;
    }

    /** The Lever URL that was called. */
    public String url() {
        return url;
    }
}
