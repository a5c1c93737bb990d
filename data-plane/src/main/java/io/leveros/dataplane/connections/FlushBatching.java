package io.leveros.dataplane.connections;

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
 */
public final class FlushBatching {
    private static final String NAME = "lever-flush-batching";

    private FlushBatching() {}

    /** At the head of {@code pipeline}, once; call on its channel's event loop. */
    public static void addTo(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) == null) {
            pipeline.addFirst(
                    NAME,
                    new FlushConsolidationHandler(
                            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }
}
