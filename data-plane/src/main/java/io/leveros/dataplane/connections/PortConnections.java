package io.leveros.dataplane.connections;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On one listening socket: counts its open connections, and puts the first handler in each new
 * connection's pipeline (ahead of Vert.x's): a {@link ConnectionGuard}, or a {@link
 * RefusedConnection} when the port already has {@code --max-connections}.
 */
final class PortConnections extends ChannelInboundHandlerAdapter {
    private final ConnectionRules rules;
    /** Incremented on the acceptor's thread, decremented on the connections' event loops. */
    private final AtomicInteger open = new AtomicInteger();

    PortConnections(ConnectionRules rules) {
        this.rules = rules;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().localAddress() instanceof InetSocketAddress address) {
            rules.listening(address.getPort(), open);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object accepted) {
        Channel connection = (Channel) accepted;
        int port = ctx.channel().localAddress() instanceof InetSocketAddress address ? address.getPort() : 0;
        int now = open.incrementAndGet();
        connection.closeFuture().addListener(closed -> open.decrementAndGet());
        if (now > rules.maxConnections()) {
            rules.refused(port, ClientRefusals.TOO_MANY_CONNECTIONS);
            connection.pipeline().addFirst(new RefusedConnection(rules));
        } else {
            connection.pipeline().addFirst(new ConnectionGuard(rules, port));
        }
        ctx.fireChannelRead(accepted);
    }
}
