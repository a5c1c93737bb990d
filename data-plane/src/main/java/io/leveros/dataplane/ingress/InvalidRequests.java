package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.metrics.ClientRefusals;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * HTTP/1.x requests that do not parse (Vert.x's invalid request handler): answered with the
 * platform error that says what was wrong (414, 431 or 400), counted, and the connection closed,
 * since what follows on it cannot be framed.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
    private final Ingress ingress;
    private final ClientRefusals refusals;
    private final int maxHeaderBytes;
    private final int maxLineBytes;

    public InvalidRequests(Ingress ingress, ClientRefusals refusals, int maxLineBytes, int maxHeaderBytes) {
        this.ingress = ingress;
        this.refusals = refusals;
        this.maxLineBytes = maxLineBytes;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        CallException error;
        if (cause instanceof TooLongHttpLineException) {
            error = new CallException(
                    ErrorCode.URL_TOO_LONG,
                    "the request line is longer than " + maxLineBytes + " bytes, the most the data plane reads");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            error = new CallException(
                    ErrorCode.HEADERS_TOO_LARGE,
                    "the request's headers are larger than " + maxHeaderBytes
                            + " bytes, the most the data plane reads; send fewer or smaller headers");
        } else {
            error = new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the request is not valid HTTP/1.1: " + (cause == null ? "unknown" : cause.getMessage()));
        }
        refusals.record(
                ingress.label(),
                error.code() == ErrorCode.MALFORMED_REQUEST
                        ? ClientRefusals.MALFORMED_REQUEST
                        : ClientRefusals.TOO_LARGE_HEAD);
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        HttpReplies.error(request.response(), error)
                .onComplete(written -> request.connection().close());
    }
}
