package io.leveros.runtime.binding;

import com.google.protobuf.ByteString;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages of a streaming call, between Java values and {@link StreamMessage}s: what a method
 * sends is encoded like a result (a {@code byte[]} as a byte message), an error like a method's
 * error; what the client sends is bound like an argument.
 */
public final class StreamCodec {
    private final JsonMapping mapping;
    private final ReplyEncoder replies;
    private final Map<Class<?>, ValueBinder> binders = new ConcurrentHashMap<>();

    StreamCodec(JsonMapping mapping, ReplyEncoder replies) {
        this.mapping = mapping;
        this.replies = replies;
    }

    /** A message: {@code byte[]} → {@code byte_message}, anything else → JSON {@code message}. */
    public StreamMessage message(Object value) {
        if (value instanceof byte[] bytes) {
            return StreamMessage.newBuilder()
                    .setByteMessage(ByteString.copyFrom(bytes))
                    .build();
        }
        JSON json;
        try {
            json = replies.encode(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "a " + value.getClass().getName() + " cannot be sent as JSON: " + e.getMessage(), e);
        }
        return StreamMessage.newBuilder().setMessage(json).build();
    }

    /**
     * An error message: a {@link Throwable} as a method's exception (a {@link LeverError}'s value as
     * JSON or bytes, any other exception's message as a JSON string), {@code byte[]} as {@code
     * byte_error}, anything else as JSON.
     */
    public StreamMessage error(Object value) {
        RPCReply reply =
                value instanceof Throwable thrown ? replies.error(thrown) : replies.error(new LeverError(value));
        return switch (reply.getResultOneofCase()) {
            case BYTE_ERROR ->
                StreamMessage.newBuilder().setByteError(reply.getByteError()).build();
            default -> StreamMessage.newBuilder().setError(reply.getError()).build();
        };
    }

    /** A {@code message} or {@code byte_message} from the client as the service sees it. */
    public LeverStream.Message received(StreamMessage message) {
        return switch (message.getMessageOneofCase()) {
            case BYTE_MESSAGE -> new Received(null, message.getByteMessage().toByteArray());
            case MESSAGE -> new Received(message.getMessage(), null);
            default -> throw new IllegalArgumentException("not a message: " + message.getMessageOneofCase());
        };
    }

    /** An {@code error} or {@code byte_error} from the client, as the {@link LeverError} receive throws. */
    public LeverError remoteError(StreamMessage message) {
        if (message.getMessageOneofCase() == StreamMessage.MessageOneofCase.BYTE_ERROR) {
            return new LeverError(message.getByteError().toByteArray());
        }
        try {
            return new LeverError(bind(Object.class, message.getError()));
        } catch (ValueBinder.Mismatch e) {
            return new LeverError(JsonValues.toJsonString(message.getError()));
        }
    }

    private Object bind(Class<?> type, JSON value) throws ValueBinder.Mismatch {
        return binders.computeIfAbsent(type, t -> ValueBinders.forType(t, mapping))
                .bind(value);
    }

    private final class Received implements LeverStream.Message {
        private final JSON json;
        private final byte[] bytes;

        Received(JSON json, byte[] bytes) {
            this.json = json;
            this.bytes = bytes;
        }

        @Override
        public boolean isBytes() {
            return bytes != null;
        }

        @Override
        public byte[] bytes() {
            if (bytes == null) {
                throw new IllegalStateException("a JSON message (" + json() + "), not a byte message");
            }
            return bytes.clone();
        }

        @Override
        public String json() {
            return json == null ? null : new String(JsonValues.toBytes(json), StandardCharsets.UTF_8);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T as(Class<T> type) {
            if (bytes != null) {
                if (type == byte[].class || type == Object.class) {
                    return (T) bytes.clone();
                }
                throw new IllegalArgumentException("a byte message (" + bytes.length + " bytes) does not fit "
                        + type.getName() + " (expected: byte[].class)");
            }
            if (type.isPrimitive() && json.getJsonValueOneofCase() == JSON.JsonValueOneofCase.JSONVALUEONEOF_NOT_SET) {
                throw new IllegalArgumentException("the message is null, which does not fit " + type.getName());
            }
            try {
                return (T) bind(type, json);
            } catch (ValueBinder.Mismatch e) {
                throw new IllegalArgumentException("the message " + JsonPreview.describe(json) + " does not fit "
                        + TypeNames.describe(type) + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }

        @Override
        public String toString() {
            return bytes != null ? "byte message (" + bytes.length + " bytes)" : json();
        }
    }
}
