package io.leveros.runtime.binding;

import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;

/** Describes a wire value in error messages: its kind and a short preview of its text. */
final class JsonPreview {
    private static final int MAX_PREVIEW = 60;

    private JsonPreview() {}

    /** {@code a string ("abc")}, {@code null}, {@code an object ({"x":1})}. */
    static String describe(JSON value) {
        String kind = kind(value);
        if (value.getJsonValueOneofCase() == JSON.JsonValueOneofCase.JSONVALUEONEOF_NOT_SET) {
            return kind;
        }
        String text = JsonValues.toJsonString(value);
        if (text.length() > MAX_PREVIEW) {
            text = text.substring(0, MAX_PREVIEW) + "...";
        }
        return kind + " (" + text + ")";
    }

    static String kind(JSON value) {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_STRING -> "a string";
            case JSON_NUMBER -> "a number";
            case JSON_BOOL -> "a boolean";
            case JSON_OBJECT -> "an object";
            case JSON_ARRAY -> "an array";
            case JSONVALUEONEOF_NOT_SET -> "null";
        };
    }
}
