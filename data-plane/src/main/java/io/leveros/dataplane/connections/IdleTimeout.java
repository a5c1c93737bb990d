package io.leveros.dataplane.connections;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} when a connection has read nothing and flushed
 * nothing for its idle time, and again after each further idle time. It is Netty's {@link
 * IdleStateHandler} with only an all-idle time, with one difference: bytes count when they are
 * flushed, not when the socket write completes. Netty's handler puts a listener on every write's
 * promise to see it complete, which cost a relayed call about 5 % of its heap allocation
 * (docs/benchmarks.md, "Peer proxies"). This one counts a flush, and a finished read, with one clock
 * read.
 *
 * <p>Everything runs on the connection's event loop.
 */
public final class IdleTimeout extends ChannelDuplexHandler {
    private final long idleNanos;
    private Ticker ticker;
    private long lastActiveNanos;
    private Future<?> check;

    public IdleTimeout(long idleTime, TimeUnit unit) {
        if (idleTime <= 0) {
            throw new IllegalArgumentException("the idle time must be positive, was " + idleTime);
        }
        this.idleNanos = unit.toNanos(idleTime);
    }

    /**
     * The same timeout as {@code handler}'s, which has only an all-idle time (as Vert.x makes it
     * from a server's idle timeout, the only one the data plane sets).
     */
    static IdleTimeout replacing(IdleStateHandler handler) {
        if (handler.getReaderIdleTimeInMillis() != 0 || handler.getWriterIdleTimeInMillis() != 0) {
            throw new IllegalArgumentException("an idle handler with a read or write timeout: only an all-idle"
                    + " timeout has an equivalent here (HttpServerOptions.setIdleTimeout)");
        }
        return new IdleTimeout(handler.getAllIdleTimeInMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ticker = ctx.executor().ticker();
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        active();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        active();
        ctx.flush();
    }

    private void start(ChannelHandlerContext ctx) {
        if (check != null) {
            return;
        }
        lastActiveNanos = ticker.nanoTime();
        check = ctx.executor().schedule(() -> checkIdle(ctx), idleNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
        }
        check = null;
    }

    private void active() {
        lastActiveNanos = ticker.nanoTime();
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        if (check == null || !ctx.channel().isOpen()) {
            return;
        }
        long idleFor = ticker.nanoTime() - lastActiveNanos;
        long next = idleNanos - idleFor;
        if (next <= 0) {
            lastActiveNanos = ticker.nanoTime(); // the next event comes a whole idle time later
            next = idleNanos;
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
        if (check != null) { // a handler of the event may have closed the connection
            check = ctx.executor().schedule(() -> checkIdle(ctx), next, TimeUnit.NANOSECONDS);
        }
    }
}
