package io.leveros.dataplane.connections;

import io.leveros.dataplane.call.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection over its port's {@code --max-connections}: nothing reaches Vert.x. Its first bytes
 * are answered in its protocol, 503 on HTTP/1.x or a GOAWAY on HTTP/2 (gRPC clients see {@code
 * UNAVAILABLE} with the reason), and it is closed (a {@link LingeringClose}); one that sends nothing
 * is closed after {@code --header-timeout}.
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {
    private final ConnectionRules rules;
    private ScheduledFuture<?> silenceTimer;

    RefusedConnection(ConnectionRules rules) {
        this.rules = rules;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        silenceTimer = ctx.executor().schedule(() -> ctx.close(), rules.headerTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean http2 = msg instanceof ByteBuf bytes && RawAnswers.startsLikeHttp2(bytes);
        ReferenceCountUtil.release(msg);
        silenceTimer.cancel(false);
        String message = "this port already has " + rules.maxConnections()
                + " open connections (lever up --max-connections, or the data plane's --max-connections);"
                + " try again shortly";
        ByteBuf answer =
                http2 ? RawAnswers.http2GoAway(message) : RawAnswers.http1(ErrorCode.TOO_MANY_CONNECTIONS, message);
        LingeringClose.answerAndClose(ctx, answer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (silenceTimer != null) {
            silenceTimer.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
