package io.leveros.dataplane.connections;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * What the data plane changes on the connections Vert.x accepts and opens, below HTTP: flushes
 * batched ({@link FlushBatching}), and HTTP/2 frames read across socket reads without copying
 * them together ({@link #readFramesAcrossReads}).
 */
public final class ConnectionTuning {

    private ConnectionTuning() {}

    /** For a server's or client's connection handler; call on the connection's event loop. */
    public static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            FlushBatching.addTo(pipeline);
            Http2ConnectionHandler http2 = pipeline.get(Http2ConnectionHandler.class); // none on HTTP/1.x
            if (http2 != null) {
                readFramesAcrossReads(http2);
            }
        }
    }

    /**
     * Lets {@code http2} read a frame that arrived over several socket reads where it lies. Netty's
     * decoders otherwise gather the bytes of an unfinished frame by copying each following read
     * behind them into one buffer: with 16 KiB DATA frames and reads of up to 64 KiB, nearly every
     * read ends inside a frame, so a relayed byte stream was copied once more on its way in. The
     * composite cumulator keeps the reads as they came and reads frames across them. Over a 4 GiB
     * byte stream it took the data plane's CPU per MB relayed down by 7–11 % (docs/benchmarks.md).
     */
    public static void readFramesAcrossReads(Http2ConnectionHandler http2) {
        http2.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    }
}
