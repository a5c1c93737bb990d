package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body of less than the limit (512 KiB for calls). A declared {@code
 * Content-Length} at or over the limit is refused before reading; a body that grows to the limit
 * stops being buffered at once. Either way the caller answers 413 and closes the connection.
 */
public final class BodyReader implements Handler<Buffer> {
    /** The original's {@code maxNonChanRequestSize}: bodies of this size or more are refused. */
    public static final int MAX_CALL_BODY = 512 * 1024;

    private final int limit;
    private final Promise<Buffer> done = Promise.promise();
    private Buffer body;
    private boolean arrived;
    private long timer = -1;

    private BodyReader(int limit, int expected) {
        this.limit = limit;
        this.body = Buffer.buffer(Math.max(16, expected));
    }

    /**
     * Reads the body of {@code request}; fails with PAYLOAD_TOO_LARGE, MALFORMED_REQUEST, or
     * REQUEST_TIMEOUT when no part of it arrives for {@code idleTimeoutMs}.
     */
    public static Future<Buffer> read(HttpServerRequest request, int limit, Vertx vertx, long idleTimeoutMs) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared);
            } catch (NumberFormatException e) {
                return Future.failedFuture(new CallException(
                        ErrorCode.MALFORMED_REQUEST, "Content-Length '" + declared + "' is not a number"));
            }
            if (length >= limit) {
                return Future.failedFuture(tooLarge(Long.toString(length) + " bytes", limit));
            }
        }
        BodyReader reader = new BodyReader(limit, (int) Math.max(0, length));
        reader.watch(vertx, idleTimeoutMs);
        request.handler(reader);
        request.exceptionHandler(failure -> reader.done.tryFail(new CallException(
                ErrorCode.MALFORMED_REQUEST, "the request body could not be read: " + failure.getMessage())));
        request.endHandler(v -> reader.done.tryComplete(reader.body));
        return reader.done.future().onComplete(v -> vertx.cancelTimer(reader.timer));
    }

    /** Checks every {@code idleTimeoutMs} that some of the body arrived since the last check. */
    private void watch(Vertx vertx, long idleTimeoutMs) {
        timer = vertx.setPeriodic(idleTimeoutMs, id -> {
            if (!arrived) {
                done.tryFail(new CallException(
                        ErrorCode.REQUEST_TIMEOUT,
                        "no part of the request body arrived for " + idleTimeoutMs + " ms (--body-timeout); "
                                + "send the whole body at once"));
            }
            arrived = false;
        });
    }

    @Override
    public void handle(Buffer chunk) {
        arrived = true;
        if (body == null) {
            return; // already over the limit: drop the rest
        }
        if (body.length() + chunk.length() >= limit) {
            body = null;
            done.tryFail(tooLarge("at least " + limit + " bytes", limit));
            return;
        }
        body.appendBuffer(chunk);
    }

    private static CallException tooLarge(String size, int limit) {
        return new CallException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "request body of " + size + " is too large (expected: less than " + limit
                        + " bytes); send large data in smaller calls");
    }
}
