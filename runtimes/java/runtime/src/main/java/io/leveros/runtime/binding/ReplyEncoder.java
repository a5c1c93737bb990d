package io.leveros.runtime.binding;

import com.google.protobuf.ByteString;
import io.leveros.api.LeverError;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.RPCReply;

/**
 * Turns what a method returned or threw into an {@link RPCReply}: a {@code byte[]} result or
 * {@link LeverError} value travels as bytes, anything else as JSON; an exception other than {@link
 * LeverError} sends its message (its class name when it has none) as a JSON string.
 */
final class ReplyEncoder {
    private final JsonMapping mapping;

    ReplyEncoder(JsonMapping mapping) {
        this.mapping = mapping;
    }

    RPCReply result(String method, Object value) {
        if (value instanceof byte[] bytes) {
            return RPCReply.newBuilder()
                    .setByteResult(ByteString.copyFrom(bytes))
                    .build();
        }
        try {
            return RPCReply.newBuilder().setResult(encode(value)).build();
        } catch (RuntimeException e) {
            return error("method '" + method + "' returned a "
                    + value.getClass().getName() + " that cannot be sent as JSON: " + e.getMessage());
        }
    }

    RPCReply error(Throwable thrown) {
        if (thrown instanceof LeverError leverError) {
            Object value = leverError.value();
            if (value instanceof byte[] bytes) {
                return RPCReply.newBuilder()
                        .setByteError(ByteString.copyFrom(bytes))
                        .build();
            }
            try {
                return RPCReply.newBuilder().setError(encode(value)).build();
            } catch (RuntimeException e) {
                return error("LeverError value " + value.getClass().getName() + " cannot be sent as JSON ("
                        + e.getMessage() + "): " + leverError.getMessage());
            }
        }
        String message = thrown.getMessage();
        return error(message == null ? thrown.getClass().getName() : message);
    }

    private static RPCReply error(String message) {
        return RPCReply.newBuilder().setError(JsonValues.of(message)).build();
    }

    /** A Java value as a wire value; the common scalars directly, the rest through Jackson. */
    JSON encode(Object value) {
        if (value == null) {
            return JsonValues.nullValue();
        }
        if (value instanceof String s) {
            return JsonValues.of(s);
        }
        if (value instanceof Boolean b) {
            return JsonValues.of(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Double) {
            return JsonValues.of(((Number) value).doubleValue());
        }
        return JsonValues.fromNode(mapping.toTree(value));
    }
}
