package io.leveros.runtime.binding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Picks the {@link ValueBinder} for a parameter type: direct conversions from the wire value for
 * {@code String}, {@code int}, {@code long}, {@code double}, {@code boolean} and their boxes (the
 * common case, and strict: a whole number only for an integer, within range), Jackson for
 * everything else (collections, records, POJOs, {@code Object}, other numbers, {@code byte[]} from
 * a base64 string).
 */
final class ValueBinders {
    private static final double TWO_TO_63 = 0x1p63;

    private ValueBinders() {}

    static ValueBinder forType(Type type, JsonMapping mapping) {
        if (type == String.class) {
            return ValueBinders::string;
        }
        if (type == int.class || type == Integer.class) {
            return ValueBinders::integer;
        }
        if (type == long.class || type == Long.class) {
            return ValueBinders::longInteger;
        }
        if (type == double.class || type == Double.class) {
            return ValueBinders::number;
        }
        if (type == boolean.class || type == Boolean.class) {
            return ValueBinders::bool;
        }
        return jackson(mapping.readerFor(type));
    }

    private static Object string(JSON value) throws ValueBinder.Mismatch {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_STRING -> value.getJsonString();
            case JSONVALUEONEOF_NOT_SET -> null;
            default -> throw ValueBinder.Mismatch.ofKind();
        };
    }

    private static Object integer(JSON value) throws ValueBinder.Mismatch {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_NUMBER -> {
                double number = wholeNumber(value);
                if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
                    throw new ValueBinder.Mismatch(
                            "out of range (expected: from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")");
                }
                yield (int) number;
            }
            case JSONVALUEONEOF_NOT_SET -> null;
            default -> throw ValueBinder.Mismatch.ofKind();
        };
    }

    private static Object longInteger(JSON value) throws ValueBinder.Mismatch {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_NUMBER -> {
                double number = wholeNumber(value);
                if (number < -TWO_TO_63 || number >= TWO_TO_63) {
                    throw new ValueBinder.Mismatch("out of range for a long");
                }
                yield (long) number;
            }
            case JSONVALUEONEOF_NOT_SET -> null;
            default -> throw ValueBinder.Mismatch.ofKind();
        };
    }

    private static double wholeNumber(JSON value) throws ValueBinder.Mismatch {
        double number = value.getJsonNumber();
        if (number != Math.rint(number)) {
            throw new ValueBinder.Mismatch("not a whole number");
        }
        return number;
    }

    private static Object number(JSON value) throws ValueBinder.Mismatch {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_NUMBER -> value.getJsonNumber();
            case JSONVALUEONEOF_NOT_SET -> null;
            default -> throw ValueBinder.Mismatch.ofKind();
        };
    }

    private static Object bool(JSON value) throws ValueBinder.Mismatch {
        return switch (value.getJsonValueOneofCase()) {
            case JSON_BOOL -> value.getJsonBool();
            case JSONVALUEONEOF_NOT_SET -> null;
            default -> throw ValueBinder.Mismatch.ofKind();
        };
    }

    private static ValueBinder jackson(ObjectReader reader) {
        return value -> {
            try {
                // through JSON text rather than JsonValues.toNode: Jackson then types whole numbers
                // as it does for any JSON (Integer when they fit, else Long), also inside Object
                return reader.readValue(JsonValues.toBytes(value));
            } catch (JsonProcessingException e) {
                throw new ValueBinder.Mismatch(jacksonDetail(e));
            } catch (IOException | IllegalArgumentException e) {
                throw new ValueBinder.Mismatch(e.getMessage());
            }
        };
    }

    /** Jackson's message without its source location, plus the path inside the value. */
    private static String jacksonDetail(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            if (!path.isEmpty()) {
                message = "at " + path + ": " + message;
            }
        }
        return message;
    }
}
