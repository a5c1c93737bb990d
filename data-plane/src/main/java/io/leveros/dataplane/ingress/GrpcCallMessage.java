package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcHeaders;
import io.leveros.dataplane.call.GrpcMessageBody;
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
    private static final String OK = Integer.toString(GrpcStatus.OK.code);

    private final Promise<Buffer> done = Promise.promise();
    private final GrpcMessageBody body = new GrpcMessageBody(InstanceClient.MAX_MESSAGE_SIZE);
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
        response.headers().set(HttpHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE);
        response.trailers().set(GrpcHeaders.GRPC_STATUS, OK);
        response.end(GrpcMessageBody.framed(reply));
    }

    @Override
    public void handle(Buffer data) {
        if (refused) {
            return;
        }
        body.append(data);
        if (body.compressed()) {
            refuse(new CallException(ErrorCode.MALFORMED_REQUEST, GrpcStatus.INTERNAL, UndeclaredCompression.MESSAGE));
        } else if (body.tooLarge()) {
            refuse(new CallException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the call's message is larger than " + InstanceClient.MAX_MESSAGE_SIZE
                            + " bytes; send large data in smaller calls, or as a stream"));
        }
    }

    private void refuse(CallException refusal) {
        refused = true;
        body.discard();
        done.tryFail(refusal);
    }

    private void end() {
        if (refused) {
            return;
        }
        String instead = body.whatCameInstead();
        if (instead != null) {
            done.tryFail(new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    GrpcStatus.INTERNAL,
                    "the call carries " + instead + " (expected: exactly one uncompressed gRPC message)"));
            return;
        }
        done.tryComplete(body.message());
    }
}
