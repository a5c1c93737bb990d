package io.leveros.dataplane.stream;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.leveros.core.json.JsonValues;
import io.leveros.core.json.MalformedJsonException;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.StreamMessage;
import io.vertx.core.buffer.Buffer;

/**
 * {@code core.StreamMessage}s made from and turned into what HTTP and WebSocket clients send and
 * receive. Byte messages, the bulk of large streams, are framed and unframed without a protobuf
 * object: one copy in, none out.
 */
public final class StreamMessages {
    /** The protobuf tag of {@code byte_message} (field 3, length-delimited). */
    private static final int BYTE_MESSAGE_TAG = (3 << 3) | 2;

    private StreamMessages() {}

    /** The client's first message: the call's arguments. */
    public static Buffer firstMessage(JSONArray args) {
        return encode(StreamMessage.newBuilder()
                .setRpc(RPC.newBuilder().setArgs(args))
                .build());
    }

    /** A JSON message from its UTF-8 text; a malformed one is the client's error. */
    public static Buffer jsonMessage(byte[] utf8) {
        try {
            return encode(StreamMessage.newBuilder()
                    .setMessage(JsonValues.parse(utf8))
                    .build());
        } catch (MalformedJsonException e) {
            throw new CallException(
                    ErrorCode.MALFORMED_REQUEST, "a stream message is not valid JSON: " + e.getMessage());
        }
    }

    /** A byte message carrying {@code bytes}. */
    public static Buffer byteMessage(Buffer bytes) {
        int length = bytes.length();
        int header = 1 + CodedOutputStream.computeUInt32SizeNoTag(length);
        Buffer message = Buffer.buffer(header + length).appendByte((byte) BYTE_MESSAGE_TAG);
        for (int value = length; ; value >>>= 7) {
            if ((value & ~0x7F) == 0) {
                message.appendByte((byte) value);
                break;
            }
            message.appendByte((byte) ((value & 0x7F) | 0x80));
        }
        return message.appendBuffer(bytes);
    }

    /**
     * The bytes of a byte message, as a slice of {@code message}; null if it is another kind of
     * message.
     */
    static Buffer byteMessageBytes(Buffer message) {
        if (message.length() == 0 || message.getByte(0) != BYTE_MESSAGE_TAG) {
            return null;
        }
        int length = 0;
        int position = 1;
        for (int shift = 0; shift < 32; shift += 7) {
            if (position >= message.length()) {
                return null;
            }
            byte b = message.getByte(position++);
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                return position + length == message.length() ? message.slice(position, position + length) : null;
            }
        }
        return null;
    }

    /** The error of an {@code error} or {@code byte_error} message as JSON text (bytes as a string). */
    public static String errorText(StreamMessage error) {
        return error.getMessageOneofCase() == StreamMessage.MessageOneofCase.ERROR
                ? JsonValues.toJsonString(error.getError())
                : JsonValues.toJsonString(JsonValues.of(error.getByteError().toStringUtf8()));
    }

    /** Any message; an undecodable one is the instance's fault. */
    static StreamMessage decode(Buffer message) {
        try {
            return StreamMessage.parseFrom(message.getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new CallException(
                    ErrorCode.INSTANCE_FAILED,
                    "the instance sent a stream message that is not a core.StreamMessage: " + e.getMessage());
        }
    }

    private static Buffer encode(StreamMessage message) {
        return Buffer.buffer(message.toByteArray());
    }
}
