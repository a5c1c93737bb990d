package io.leveros.dataplane.ingress;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.InvalidProtocolBufferException;
import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.lang.System.Logger.Level;

/**
 * Writes a call's outcome as HTTP: a result is 200, a service's error 500 with {@code Lever-Error:
 * service}, a platform error its own status with {@code {"code","message"}} and {@code Lever-Error:
 * platform}.
 */
public final class HttpReplies {
    private static final System.Logger LOG = System.getLogger(HttpReplies.class.getName());

    static final CharSequence LEVER_ERROR = HttpHeaders.createOptimized("Lever-Error");
    static final CharSequence SERVICE = HttpHeaders.createOptimized("service");
    static final CharSequence PLATFORM = HttpHeaders.createOptimized("platform");
    static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence BYTES = HttpHeaders.createOptimized("application/octet-stream");

    private HttpReplies() {}

    /** Writes the serialized {@code core.RPCReply} an instance answered. */
    public static void reply(HttpServerResponse response, Buffer replyBytes) {
        RPCReply reply;
        try {
            reply = RPCReply.parseFrom(replyBytes.getBytes());
        } catch (InvalidProtocolBufferException e) {
            error(
                    response,
                    new CallException(
                            ErrorCode.INSTANCE_FAILED,
                            "the instance answered a reply that is not a core.RPCReply: " + e.getMessage()));
            return;
        }
        switch (reply.getResultOneofCase()) {
            case RESULT -> write(response, 200, JSON, Buffer.buffer(JsonValues.toBytes(reply.getResult())));
            case BYTE_RESULT ->
                write(response, 200, BYTES, Buffer.buffer(reply.getByteResult().toByteArray()));
            case ERROR -> {
                response.putHeader(LEVER_ERROR, SERVICE);
                write(response, 500, JSON, Buffer.buffer(JsonValues.toBytes(reply.getError())));
            }
            case BYTE_ERROR -> {
                response.putHeader(LEVER_ERROR, SERVICE);
                write(response, 500, BYTES, Buffer.buffer(reply.getByteError().toByteArray()));
            }
            case RESULTONEOF_NOT_SET -> write(response, 200, JSON, Buffer.buffer("null"));
        }
    }

    /** Writes the error a streaming method raised before its reply began: 500, as for a call. */
    static Future<Void> serviceError(HttpServerResponse response, StreamMessage error) {
        response.putHeader(LEVER_ERROR, SERVICE);
        return error.getMessageOneofCase() == StreamMessage.MessageOneofCase.BYTE_ERROR
                ? write(response, 500, BYTES, Buffer.buffer(error.getByteError().toByteArray()))
                : write(response, 500, JSON, Buffer.buffer(JsonValues.toBytes(error.getError())));
    }

    /** Writes a failure: a {@link CallException} as its platform error, anything else as a 502. */
    public static Future<Void> error(HttpServerResponse response, Throwable failure) {
        CallException error;
        if (failure instanceof CallException callException) {
            error = callException;
        } else {
            LOG.log(Level.WARNING, "unexpected failure of a call", failure);
            error = new CallException(ErrorCode.INSTANCE_FAILED, "the call failed: " + failure);
        }
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        response.putHeader(LEVER_ERROR, PLATFORM);
        return write(response, error.code().httpStatus(), JSON, errorBody(error.code(), error.getMessage()));
    }

    /** The JSON body of a platform error: {@code {"code":…,"message":…}}. */
    public static Buffer errorBody(ErrorCode code, String message) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        Buffer body = Buffer.buffer(message.length() + 48);
        body.appendString("{\"code\":\"").appendString(code.name()).appendString("\",\"message\":\"");
        body.appendBytes(encoder.quoteAsUTF8(message));
        return body.appendString("\"}");
    }

    private static Future<Void> write(HttpServerResponse response, int status, CharSequence type, Buffer body) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, type)
                .end(body);
    }
}
