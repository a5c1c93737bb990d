package io.leveros.dataplane.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The DATA a relayed stream passes on to one side, at most {@link #WRITES_WAITING} writes there at a
 * time. While fewer wait, a frame goes as it was read: a retained slice of the buffers Netty read it
 * into, no copy (a byte stream costs the data plane about a sixth less CPU). Behind them, frames are
 * gathered into a buffer of the relay's own (a copy; a composite, which grows without copying what it
 * holds again), which goes out as one write once one of those has. A side that stops reading so
 * makes the relay hold its window's bytes in that buffer and the reads behind at most {@link
 * #WRITES_WAITING} slices. Not more: a slice keeps what it was read into (a read's worth, up to 64
 * KiB, or two) whatever its own size, and each frame waiting in Netty's flow control costs heap
 * besides its bytes; queued one by one, a 1 MiB window of one-byte frames held 192 MB
 * (docs/data-plane.md, "Copies and what waits").
 *
 * <p>The bytes count as read by the side that sent them once they went out ({@code written}), so that
 * side's HTTP/2 window bounds what waits here. Used on its stream's event loop only.
 */
final class OutgoingData {
    static final int WRITES_WAITING = 4;

    /** Writes DATA on the other side (releasing it once written); the future completes once it went out. */
    interface Writer {
        Future<Void> write(ByteBuf data, boolean end);
    }

    private final IntConsumer written;
    private Writer writer;
    private int writesWaiting;
    /** The frames behind the waiting writes (or before the other side opened), or null. */
    private CompositeByteBuf gathered;

    private boolean gatheredEnds;
    private boolean closed;

    /** @param written told the bytes of each write once it went out */
    OutgoingData(IntConsumer written) {
        this.written = written;
    }

    /** The other side is open: what was gathered until now goes out. */
    void open(Writer to) {
        this.writer = to;
        writeGathered();
    }

    /**
     * Passes {@code frame} on ({@code end}: the last of this direction); {@code frame} is only valid
     * during the call.
     */
    void send(ByteBuf frame, boolean end) {
        if (closed) {
            return;
        }
        if (writer != null && gathered == null && writesWaiting < WRITES_WAITING) {
            write(frame.retainedSlice(), end);
            return;
        }
        int bytes = frame.readableBytes();
        if (gathered == null) {
            // grows by adding buffers, never by copying what it holds into a larger one
            gathered = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
        }
        gathered.writeBytes(frame, frame.readerIndex(), bytes);
        gatheredEnds |= end;
    }

    /**
     * Writes what was gathered now, however many writes wait: before the trailers, which must not
     * pass the DATA.
     */
    void writeGathered() {
        if (gathered != null && writer != null && !closed) {
            // Trimmed to what it holds: Netty's write queue merges a composite with the next write by
            // adding that as a component after its capacity, yet moves its writer index only by the
            // write's bytes; the room behind the bytes would go out in place of the next write's.
            ByteBuf out = gathered.capacity(gathered.writerIndex());
            boolean end = gatheredEnds;
            gathered = null;
            gatheredEnds = false;
            write(out, end);
        }
    }

    /** Nothing more goes out: the gathered bytes are dropped. */
    void close() {
        closed = true;
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    private void write(ByteBuf data, boolean end) {
        int bytes = data.readableBytes();
        writesWaiting++;
        writer.write(data, end).addListener(done -> {
            writesWaiting--;
            if (!done.isSuccess()) {
                close(); // the stream or its connection is gone: nothing more goes out
                return;
            }
            if (closed) {
                return;
            }
            if (bytes > 0) {
                written.accept(bytes);
            }
            writeGathered();
        });
    }
}
