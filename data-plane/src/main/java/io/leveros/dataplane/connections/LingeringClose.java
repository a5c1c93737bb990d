package io.leveros.dataplane.connections;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes a last answer and closes the connection so that the client can read it. Closing at once
 * would lose it to a client still sending (a slow client's headers, a body): the client's next bytes
 * reach a closed socket, whose reset can discard the answer before the client read it (RFC 9112,
 * 9.6). So the answer is followed by a half close (the client reads it, then end of stream), and the
 * connection is closed when the client closes its side or after {@link #LINGER_MS}. What the client
 * sends meanwhile is discarded before any other handler sees it.
 */
final class LingeringClose {
    /** How long a client has to read the answer while it still sends; Apache httpd waits 2 s too. */
    static final long LINGER_MS = 2_000;

    private LingeringClose() {}

    static void answerAndClose(ChannelHandlerContext ctx, ByteBuf answer) {
        Channel channel = ctx.channel();
        channel.pipeline().addFirst(Discarding.INSTANCE);
        ctx.writeAndFlush(answer).addListener(written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            duplex.shutdownOutput();
            ScheduledFuture<?> linger =
                    channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> linger.cancel(false));
        });
    }

    /** Drops what the client sends after the answer; a reset meanwhile ends the connection. */
    @ChannelHandler.Sharable
    private static final class Discarding extends ChannelInboundHandlerAdapter {
        static final Discarding INSTANCE = new Discarding();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
