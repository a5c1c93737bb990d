package io.leveros.dataplane.connections;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Gathers the flushes of one event-loop turn on a connection into one socket write. Vert.x flushes
 * each HTTP/2 frame it writes at once unless it is reading that same connection; a relay writes
 * while reading the <em>other</em> connection (a client's frames go out to the instance, and back),
 * so every 16 KiB DATA frame and every WINDOW_UPDATE cost a system call of its own. Netty's {@link
 * FlushConsolidationHandler} at the head of the pipeline defers such a flush to the end of the
 * current event-loop task: the frames written while one read is handled leave together,
 * microseconds later. Installed on Vert.x's connections by {@link ConnectionTuning}.
 *
 * <p>One change to Netty's handler: it does not flush when the connection's write buffer fills up
 * (see {@link NoFlushInsideWrites}).
 */
public final class FlushBatching {
    private static final String NAME = "lever-flush-batching";

    private FlushBatching() {}

    /** At the head of {@code pipeline}, once; call on its channel's event loop. */
    public static void addTo(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) == null) {
            pipeline.addFirst(NAME, new NoFlushInsideWrites());
        }
    }

    /**
     * Netty's handler flushes at once when the connection turns unwritable, and a connection turns
     * unwritable inside a write: the one that takes its write buffer over the high-water mark. Netty's
     * HTTP/2 frame writer writes a DATA frame's header and its payload in two writes, so such a flush
     * sends the header alone and completes the writes before it there and then; their listeners run,
     * and what they write (a relayed stream's WINDOW_UPDATE, on the connection its bytes came from,
     * and from there any frame that connection's flush sends back) can land between a frame's header
     * and its payload. The other end then reads the rest out of step: under 4 GiB byte streams the
     * instance or the client failed a stream with "Frame length … exceeds maximum", or read bytes
     * that were not sent, in most runs (docs/data-plane.md, "Flushes"). Here a full write buffer
     * only stops the writers; the flush comes at the end of the read or task, as any other.
     */
    private static final class NoFlushInsideWrites extends FlushConsolidationHandler {
        NoFlushInsideWrites() {
            super(DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.fireChannelWritabilityChanged();
        }
    }
}
