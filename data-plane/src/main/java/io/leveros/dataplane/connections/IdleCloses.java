package io.leveros.dataplane.connections;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Counts the connections Vert.x closes for their idle timeout (no byte either way for the stream
 * idle timeout + 30 s): its idle handler fires an event that Vert.x's connection closes on; this
 * sits between them and passes it on. It handles nothing else, so Netty skips it for reads and
 * writes.
 */
final class IdleCloses extends ChannelInboundHandlerAdapter {
    private final ConnectionRules rules;
    private final int port;

    IdleCloses(ConnectionRules rules, int port) {
        this.rules = rules;
        this.port = port;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            rules.refused(port, ClientRefusals.IDLE_TIMEOUT);
        }
        ctx.fireUserEventTriggered(event);
    }
}
