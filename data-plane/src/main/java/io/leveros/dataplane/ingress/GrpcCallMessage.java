package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcStatusHeaders;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A gRPC call's one message, read from its HTTP/2 request, and its reply written back, below Vert.x's
 * gRPC server: for calls that declared no {@code grpc-encoding}, whose bytes the data plane only relays.
 * The request must carry exactly one uncompressed message of at most {@link
 * InstanceClient#MAX_MESSAGE_SIZE} bytes; a larger one stops being buffered at once.
 *
 * <p>Called on the request's event loop.
 */
final class GrpcCallMessage implements Handler<Buffer> {
    /** A gRPC message's prefix: the compressed flag, then 4 bytes of length. */
    private static final int PREFIX = 5;

    private static final CharSequence GRPC_CONTENT_TYPE = HttpHeaders.createOptimized("application/grpc");
    private static final String OK = Integer.toString(GrpcStatus.OK.code);

    private final Promise<Buffer> done = Promise.promise();
    private Buffer body;
    /** Whether {@link #body} is this reader's own buffer (else the first frame's, kept as it came). */
    private boolean owned;

    private boolean refused;

    private GrpcCallMessage() {}

    /** The message of {@code request}, without its prefix; or a {@link CallException} with its gRPC status. */
    static Future<Buffer> read(HttpServerRequest request) {
        GrpcCallMessage reader = new GrpcCallMessage();
        request.handler(reader);
        request.exceptionHandler(failure -> reader.done.tryFail(new CallException(
                ErrorCode.MALFORMED_REQUEST,
                GrpcStatus.CANCELLED,
                "the call's message could not be read: " + failure.getMessage())));
        request.endHandler(v -> reader.end());
        return reader.done.future();
    }

    /** Answers {@code reply} as the call's one message, then status OK. */
    static void reply(HttpServerResponse response, Buffer reply) {
        if (response.closed() || response.ended()) {
            return; // the client went away
        }
        response.headers().set(HttpHeaders.CONTENT_TYPE, GRPC_CONTENT_TYPE);
        response.trailers().set(GrpcStatusHeaders.GRPC_STATUS, OK);
        response.end(Buffer.buffer(PREFIX + reply.length())
                .appendByte((byte) 0)
                .appendInt(reply.length())
                .appendBuffer(reply));
    }

    @Override
    public void handle(Buffer data) {
        if (refused || data.length() == 0) { // an empty DATA frame may end the request
            return;
        }
        if (body == null) {
            body = data;
        } else {
            if (!owned) { // a second frame: one buffer for the whole message from now on
                body = Buffer.buffer(Math.max(expectedLength(), body.length() + data.length()))
                        .appendBuffer(body);
                owned = true;
            }
            body.appendBuffer(data);
        }
        if (body.getByte(0) != 0) {
            refuse(new CallException(ErrorCode.MALFORMED_REQUEST, GrpcStatus.INTERNAL, UndeclaredCompression.MESSAGE));
        } else if (body.length() > PREFIX + InstanceClient.MAX_MESSAGE_SIZE
                || (body.length() >= PREFIX && body.getInt(1) > InstanceClient.MAX_MESSAGE_SIZE)) {
            refuse(new CallException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the call's message is larger than " + InstanceClient.MAX_MESSAGE_SIZE
                            + " bytes; send large data in smaller calls, or as a stream"));
        }
    }

    /** The whole message's size with its prefix, as the prefix declares it (0 before it arrived). */
    private int expectedLength() {
        return body.length() >= PREFIX ? PREFIX + Math.max(0, body.getInt(1)) : 0;
    }

    private void refuse(CallException refusal) {
        refused = true;
        body = null;
        done.tryFail(refusal);
    }

    private void end() {
        if (refused) {
            return;
        }
        if (body == null || body.length() < PREFIX) {
            done.tryFail(new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    GrpcStatus.INTERNAL,
                    "the call carries no complete gRPC message (expected: exactly one)"));
            return;
        }
        int length = body.getInt(1);
        if (length != body.length() - PREFIX) {
            done.tryFail(new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    GrpcStatus.INTERNAL,
                    "the call's message is " + length + " bytes long but " + (body.length() - PREFIX)
                            + " bytes came after its prefix (expected: exactly one message)"));
            return;
        }
        done.tryComplete(body.slice(PREFIX, body.length()));
    }
}
