package io.leveros.dataplane.ingress;

import com.google.protobuf.UnsafeByteOperations;
import io.leveros.core.json.JsonValues;
import io.leveros.core.json.MalformedJsonException;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.proto.core.RPC;
import io.vertx.core.buffer.Buffer;

/**
 * How a request body becomes the call's arguments, from its {@code Content-Type} (read up to the
 * {@code ;}): {@code application/json} is a JSON array of arguments, any other type (or none) is
 * one byte argument, {@code application/x-www-form-urlencoded} is refused. A streaming request has
 * JSON messages for {@code application/json} and byte chunks for any other type.
 */
public enum ContentKind {
    JSON,
    BYTES;

    private static final String JSON_TYPE = "application/json";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";

    /** @throws CallException UNSUPPORTED_CONTENT_TYPE for form bodies */
    public static ContentKind of(String contentType) {
        if (is(contentType, FORM_TYPE)) {
            throw new CallException(
                    ErrorCode.UNSUPPORTED_CONTENT_TYPE,
                    "Content-Type " + FORM_TYPE + " is not supported (expected: application/json with a JSON"
                            + " array of arguments, or any other type for one byte argument)");
        }
        return ofStream(contentType);
    }

    /** For a streaming request: JSON messages for {@code application/json}, else byte chunks. */
    public static ContentKind ofStream(String contentType) {
        return is(contentType, JSON_TYPE) ? JSON : BYTES;
    }

    /** Whether {@code contentType}, up to its {@code ;}, is {@code type} (case-insensitive). */
    private static boolean is(String contentType, String type) {
        if (contentType == null) {
            return false;
        }
        int end = contentType.indexOf(';');
        if (end < 0) {
            end = contentType.length();
        }
        while (end > 0 && contentType.charAt(end - 1) == ' ') {
            end--;
        }
        return end == type.length() && contentType.regionMatches(true, 0, type, 0, end);
    }

    /**
     * The serialized {@code core.RPC} for a body.
     *
     * @throws CallException MALFORMED_REQUEST when a JSON body is not a JSON array
     */
    public Buffer toRpc(Buffer body) {
        byte[] bytes = body.getBytes();
        RPC rpc;
        if (this == JSON) {
            try {
                rpc = RPC.newBuilder().setArgs(JsonValues.parseArgs(bytes)).build();
            } catch (MalformedJsonException e) {
                throw new CallException(
                        ErrorCode.MALFORMED_REQUEST, "the application/json body is not valid: " + e.getMessage());
            }
        } else {
            rpc = RPC.newBuilder()
                    .setByteArgs(UnsafeByteOperations.unsafeWrap(bytes))
                    .build();
        }
        return Buffer.buffer(rpc.toByteArray());
    }
}
