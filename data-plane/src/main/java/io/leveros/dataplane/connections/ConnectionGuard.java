package io.leveros.dataplane.connections;

import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.metrics.ClientRefusals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of a connection: a request's headers must be complete within {@code
 * --header-timeout} of its first byte (for the first request, of the connection's start), else the
 * connection is answered 408 (closed without an answer when it sent nothing) and counted. The 408
 * is followed by a {@link LingeringClose}, so that a client still sending reads it.
 *
 * <p>It tells HTTP/2 with prior knowledge (its preface) from HTTP/1.x by the first bytes. An HTTP/2
 * connection is Vert.x's from its preface on (its streams have their own timeouts) and this handler
 * leaves. On HTTP/1.x, {@link HttpExchanges} reports when a request's headers arrived and when a
 * connection waits for the next request: the timer runs only from that request's first byte, so a
 * kept-alive connection that waits is left to the connection idle timeout.
 *
 * <p>Runs on the connection's event loop, as does everything that calls it.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The name Vert.x gives its HTTP/1.x response encoder; {@link HttpExchanges} goes after it. */
    private static final String VERTX_HTTP_ENCODER = "httpEncoder";
    /**
     * The name of Vert.x's idle-timeout handler: an {@link IdleTimeout} takes its place, and {@link
     * IdleCloses} goes after it.
     */
    private static final String VERTX_IDLE = "idle";

    private enum Phase {
        /** Not yet known whether HTTP/1.x or HTTP/2. */
        FIRST_BYTES,
        READING_HEADERS,
        IN_EXCHANGE,
        BETWEEN_REQUESTS
    }

    private final ConnectionRules rules;
    private final int port;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.FIRST_BYTES;
    private int prefaceBytes;
    /** When the headers being read began; the timer, once due, checks it (no timer per request). */
    private long headersSinceNanos;

    private ScheduledFuture<?> headerTimer;

    ConnectionGuard(ConnectionRules rules, int port) {
        this.rules = rules;
        this.port = port;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(VERTX_IDLE) instanceof IdleStateHandler vertxIdle) {
            ctx.pipeline().replace(VERTX_IDLE, VERTX_IDLE, IdleTimeout.replacing(vertxIdle));
            ctx.pipeline().addAfter(VERTX_IDLE, null, new IdleCloses(rules, port));
        }
        startHeaderTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopHeaderTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (phase) {
            case FIRST_BYTES -> firstBytes(bytes);
            case BETWEEN_REQUESTS -> {
                phase = Phase.READING_HEADERS;
                startHeaderTimer();
                ctx.fireChannelRead(bytes);
            }
            default -> ctx.fireChannelRead(bytes);
        }
    }

    private void firstBytes(ByteBuf bytes) {
        int readable = bytes.readableBytes();
        int matched = 0;
        while (matched < readable
                && prefaceBytes < HTTP2_PREFACE.length
                && bytes.getByte(bytes.readerIndex() + matched) == HTTP2_PREFACE[prefaceBytes]) {
            matched++;
            prefaceBytes++;
        }
        if (prefaceBytes == HTTP2_PREFACE.length) {
            stopHeaderTimer();
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(bytes);
        } else if (matched == readable) {
            ctx.fireChannelRead(bytes); // perhaps still the preface: Vert.x holds these bytes meanwhile
        } else {
            // HTTP/1.x. Vert.x sets its HTTP/1.x pipeline up at the first byte that is not the
            // preface's: give it the bytes up to that one (too few for a request), then watch it.
            phase = Phase.READING_HEADERS;
            ctx.fireChannelRead(bytes.readRetainedSlice(matched + 1));
            watchExchanges();
            if (bytes.isReadable()) {
                ctx.fireChannelRead(bytes);
            } else {
                bytes.release();
            }
        }
    }

    private void watchExchanges() {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(VERTX_HTTP_ENCODER) != null) {
            pipeline.addAfter(VERTX_HTTP_ENCODER, null, new HttpExchanges(this));
        } else if (ctx.channel().isActive()) {
            // Without the exchanges the timer would cut kept-alive connections: no header timeout here.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "no Vert.x HTTP/1.x encoder named " + VERTX_HTTP_ENCODER + " in " + pipeline.names()
                            + ": --header-timeout is not applied to this connection");
            phase = Phase.IN_EXCHANGE;
            stopHeaderTimer();
        }
    }

    /** A request's headers are complete: its body and answer have their own timeouts. */
    void headersReceived() {
        phase = Phase.IN_EXCHANGE;
    }

    /** Every request so far is read and answered: the next one's first byte starts the timer. */
    void betweenRequests() {
        phase = Phase.BETWEEN_REQUESTS;
    }

    /** The connection switched protocols (h2c, WebSocket): no more HTTP/1.x requests on it. */
    void upgraded() {
        stopHeaderTimer();
        phase = Phase.IN_EXCHANGE;
        ctx.pipeline().remove(this);
    }

    /**
     * Headers begin now. A timer already set (for earlier headers, since read) is not moved: when due
     * it finds the newer start and waits out the rest, so a kept-alive connection's requests set
     * about one timer per timeout, not one each.
     */
    private void startHeaderTimer() {
        headersSinceNanos = System.nanoTime();
        if (headerTimer == null) {
            setHeaderTimer(TimeUnit.MILLISECONDS.toNanos(rules.headerTimeoutMs()));
        }
    }

    private void setHeaderTimer(long delayNanos) {
        headerTimer = ctx.executor().schedule(this::headerTimerDue, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void headerTimerDue() {
        headerTimer = null;
        if (phase != Phase.FIRST_BYTES && phase != Phase.READING_HEADERS) {
            return; // the headers arrived; the next ones set a timer again
        }
        long left = headersSinceNanos + TimeUnit.MILLISECONDS.toNanos(rules.headerTimeoutMs()) - System.nanoTime();
        if (left > 0) {
            setHeaderTimer(left);
        } else {
            headersTooSlow();
        }
    }

    private void stopHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void headersTooSlow() {
        rules.refused(port, ClientRefusals.HEADER_TIMEOUT);
        if (phase == Phase.READING_HEADERS) {
            String message = "the request's headers did not arrive within " + rules.headerTimeoutText()
                    + " (raise it with lever up --header-timeout, or the data plane's --header-timeout);"
                    + " send a request's headers at once";
            LingeringClose.answerAndClose(ctx, RawAnswers.http1(ErrorCode.REQUEST_TIMEOUT, message));
        } else {
            ctx.close(); // nothing was asked (or an HTTP/2 preface never finished): nothing to answer
        }
    }
}
