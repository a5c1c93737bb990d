package io.leveros.dataplane.connections;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Follows the requests and responses of one HTTP/1.x connection, between Vert.x's codec and its
 * connection: tells the {@link ConnectionGuard} when a request's headers arrived and when every
 * request is read and answered, and closes the connection once a response that says {@code
 * connection: close} is written, whoever wrote it (Vert.x's answer to a malformed h2c upgrade does
 * not close by itself), and the request is read: a client still sending a body would see a reset,
 * not the answer, if the connection closed under it.
 */
final class HttpExchanges extends ChannelDuplexHandler {
    private final ConnectionGuard guard;
    private int unanswered;
    private boolean readingBody;
    /** The response being written is a final one (not 1xx). */
    private boolean finalResponse;

    private boolean closeAfterResponse;
    /** The write of a closing response, made while its request's body was still arriving. */
    private ChannelFuture closeOnceRead;

    HttpExchanges(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
            readingBody = true;
            guard.headersReceived();
        }
        boolean requestRead = msg instanceof LastHttpContent;
        if (requestRead) {
            readingBody = false;
            if (unanswered == 0) {
                guard.betweenRequests();
            }
        }
        ctx.fireChannelRead(msg);
        if (requestRead && closeOnceRead != null) {
            closeOnceRead.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == 101) { // h2c or a WebSocket from here on
                ctx.pipeline().remove(this);
                guard.upgraded();
                ctx.write(msg, promise);
                return;
            }
            finalResponse = status >= 200;
            closeAfterResponse |= finalResponse
                    && response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        }
        if (msg instanceof LastHttpContent && finalResponse) {
            finalResponse = false;
            unanswered = Math.max(0, unanswered - 1);
            if (closeAfterResponse) {
                ChannelFuture written = ctx.write(msg, promise.unvoid());
                if (readingBody) {
                    closeOnceRead = written;
                } else {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            if (unanswered == 0 && !readingBody) {
                guard.betweenRequests();
            }
        }
        ctx.write(msg, promise);
    }
}
