package io.leveros.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.protobuf.ByteString;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import java.lang.reflect.Type;

/**
 * Java values to and from the wire: arguments to an {@link RPC} (a single {@code byte[]} argument
 * as bytes, everything else as JSON through Jackson), an {@link RPCReply} to the requested type or
 * a {@link RemoteException}.
 */
final class WireCodec {
    private final ObjectMapper mapper;

    WireCodec() {
        this(JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                // results may grow new fields without breaking older callers
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build());
    }

    WireCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    JavaType type(Type type) {
        return mapper.getTypeFactory().constructType(type);
    }

    RPC encodeArgs(Object[] args) {
        if (args == null) {
            args = new Object[] {null}; // invoke(type, "m", (Object[]) null)
        }
        if (args.length == 1 && args[0] instanceof byte[] bytes) {
            return RPC.newBuilder().setByteArgs(ByteString.copyFrom(bytes)).build();
        }
        JSONArray.Builder array = JSONArray.newBuilder();
        for (int i = 0; i < args.length; i++) {
            try {
                array.addElement(JsonValues.fromNode(mapper.valueToTree(args[i])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "argument " + (i + 1) + " (a " + args[i].getClass().getName() + ") cannot be sent as JSON: "
                                + e.getMessage(),
                        e);
            }
        }
        return RPC.newBuilder().setArgs(array).build();
    }

    /**
     * The result of a reply as {@code type}.
     *
     * @throws RemoteException when the reply is an error raised by the service
     * @throws IllegalArgumentException when the result does not fit {@code type}
     */
    @SuppressWarnings("unchecked")
    <T> T decode(RPCReply reply, JavaType type, String url) {
        return switch (reply.getResultOneofCase()) {
            case RESULT -> {
                if (type.getRawClass() == Void.class || type.getRawClass() == void.class) {
                    yield null;
                }
                yield readJson(reply.getResult(), type, "the result of " + url);
            }
            case BYTE_RESULT -> {
                Class<?> raw = type.getRawClass();
                if (raw == byte[].class || raw == Object.class) {
                    yield (T) reply.getByteResult().toByteArray();
                }
                if (raw == Void.class || raw == void.class) {
                    yield null;
                }
                throw new IllegalArgumentException(
                        url + " answered bytes (" + reply.getByteResult().size()
                                + " bytes), which do not fit the requested type " + type.toCanonical()
                                + " (expected: byte[].class)");
            }
            case ERROR -> throw RemoteException.ofJson(url, JsonValues.toNode(reply.getError()));
            case BYTE_ERROR ->
                throw RemoteException.ofBytes(url, reply.getByteError().toByteArray());
            case RESULTONEOF_NOT_SET -> null;
        };
    }

    /**
     * A JSON value as {@code type}.
     *
     * @param what names the value in the message, e.g. {@code the result of lever://...}
     * @throws IllegalArgumentException when it does not fit
     */
    <T> T readJson(JSON value, JavaType type, String what) {
        // through JSON text rather than a tree, so that whole numbers bind as Jackson binds
        // any JSON: Integer when they fit (also inside Map/List/Object), else Long
        byte[] json = JsonValues.toBytes(value);
        try {
            return mapper.readerFor(type).readValue(json);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalArgumentException(
                    what + " (" + (text.length() > 100 ? text.substring(0, 100) + "..." : text)
                            + ") does not fit the requested type " + type.toCanonical() + ": "
                            + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
                    e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A stream message: {@code byte[]} as {@code byte_message}, anything else as JSON. */
    StreamMessage encodeMessage(Object value) {
        if (value instanceof byte[] bytes) {
            return StreamMessage.newBuilder()
                    .setByteMessage(ByteString.copyFrom(bytes))
                    .build();
        }
        return StreamMessage.newBuilder().setMessage(toJson(value)).build();
    }

    /**
     * An error message: {@code byte[]} as {@code byte_error}, a {@link Throwable} as its message (a
     * JSON string), anything else as JSON.
     */
    StreamMessage encodeError(Object value) {
        if (value instanceof byte[] bytes) {
            return StreamMessage.newBuilder()
                    .setByteError(ByteString.copyFrom(bytes))
                    .build();
        }
        if (value instanceof Throwable t) {
            String message = t.getMessage();
            return StreamMessage.newBuilder()
                    .setError(JsonValues.of(message == null ? t.getClass().getName() : message))
                    .build();
        }
        return StreamMessage.newBuilder().setError(toJson(value)).build();
    }

    private JSON toJson(Object value) {
        try {
            return JsonValues.fromNode(mapper.valueToTree(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a " + value.getClass().getName() + " cannot be sent as JSON: " + e.getMessage(), e);
        }
    }
}
