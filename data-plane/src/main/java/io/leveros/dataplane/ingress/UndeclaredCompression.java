package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.call.GrpcHeaders;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Refuses a gRPC call that sends a message flagged compressed without declaring a {@code
 * grpc-encoding}, as the gRPC spec asks ({@code INTERNAL}).
 *
 * <p>Vert.x gRPC (5.0) throws from its deframer on such a message, inside the request's data handler,
 * where no handler of the call sees it: the call was never answered. This wrapper sits between the HTTP
 * request and the gRPC server, follows the message prefixes ({@link CompressedFlags}) and, at the first
 * compressed flag, stops passing data on and fails the call's read side with a {@link
 * CallException}; {@link GrpcIngress} answers with its status and message. Only
 * calls without {@code grpc-encoding} are wrapped, and not gRPC-Web, whose text variant is base64.
 *
 * <p>Called on the request's event loop.
 */
final class UndeclaredCompression extends HttpServerRequestWrapper {
    static final String MESSAGE = "a gRPC message is flagged compressed but the call declared no grpc-encoding "
            + "(expected: a 'grpc-encoding' header naming the compression, e.g. gzip, or uncompressed messages)";

    private final CompressedFlags flags = new CompressedFlags();
    private Handler<Throwable> failureHandler;
    private boolean refused;
    /** The refusal, while no failure handler was there to take it (data can come before it is set). */
    private CallException unreported;

    private UndeclaredCompression(HttpServerRequestInternal request) {
        super(request);
    }

    /** {@code request}, wrapped when it is a gRPC (not gRPC-Web) call that declared no encoding. */
    static HttpServerRequest guard(HttpServerRequest request, String contentType) {
        if (request.headers().contains(GrpcHeaders.GRPC_ENCODING)
                || contentType.startsWith(GrpcHeaders.WEB_CONTENT_TYPE)) {
            return request;
        }
        return new UndeclaredCompression((HttpServerRequestInternal) request);
    }

    @Override
    public HttpServerRequest handler(Handler<Buffer> handler) {
        delegate.handler(
                handler == null
                        ? null
                        : chunk -> {
                            if (refused) {
                                return;
                            }
                            if (flags.compressedMessageIn(((BufferInternal) chunk).getByteBuf())) {
                                refuse();
                            } else {
                                handler.handle(chunk);
                            }
                        });
        return this;
    }

    @Override
    public HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
        failureHandler = handler;
        delegate.exceptionHandler(handler);
        if (handler != null && unreported != null) {
            CallException refusal = unreported;
            unreported = null;
            handler.handle(refusal);
        }
        return this;
    }

    private void refuse() {
        refused = true;
        CallException refusal = new CallException(ErrorCode.MALFORMED_REQUEST, GrpcStatus.INTERNAL, MESSAGE);
        if (failureHandler != null) {
            failureHandler.handle(refusal);
        } else {
            unreported = refusal;
        }
    }
}
