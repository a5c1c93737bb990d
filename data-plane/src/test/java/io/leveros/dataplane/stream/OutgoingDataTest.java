package io.leveros.dataplane.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DATA of one direction of a relayed stream, against a writer whose writes complete when the test
 * says (the other connection, at a seam: StreamingIT relays through the real one).
 */
class OutgoingDataTest {
    private final List<Write> writes = new ArrayList<>();
    private final List<Integer> written = new ArrayList<>();
    private final OutgoingData out = new OutgoingData(written::add);

    /** One write handed to the other side, out once the test completes it. */
    private record Write(ByteBuf data, String text, boolean end, Promise<Void> out) {}

    private Future<Void> write(ByteBuf data, boolean end) {
        Promise<Void> promise = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
        writes.add(new Write(data, data.toString(StandardCharsets.US_ASCII), end, promise));
        return promise;
    }

    @AfterEach
    void releaseWrites() {
        writes.forEach(write -> write.data.release()); // as the other side would once written
    }

    /** The first {@code count} bytes of {@code read}, each a frame of its own. */
    private void sendByteByByte(ByteBuf read, int count) {
        for (int i = 0; i < count; i++) {
            out.send(read.slice(i, 1), false);
        }
    }

    @Test
    void framesGoOutUncopiedWhileFewWritesWaitAndGatheredIntoOneWriteBehindThem() {
        out.open(this::write);
        ByteBuf read = Unpooled.copiedBuffer("abcdefgh", StandardCharsets.US_ASCII);

        sendByteByByte(read, 8);

        assertThat(writes).hasSize(OutgoingData.WRITES_WAITING);
        assertThat(writes.getFirst().data.unwrap())
                .as("a slice of what was read")
                .isSameAs(read);
        assertThat(written).isEmpty();

        writes.getFirst().out.setSuccess(null);

        assertThat(written).containsExactly(1);
        assertThat(writes).extracting(Write::text).containsExactly("a", "b", "c", "d", "efgh");
        assertThat(writes.getLast().data.unwrap()).as("a buffer of its own").isNotSameAs(read);
    }

    /**
     * Netty's HTTP/2 encoder queues the DATA of a stream's writes in a {@link CoalescingBufferQueue},
     * which merges a composite with the next write by adding that as a component after the
     * composite's capacity, moving its writer index only by the write's bytes. A gathered composite
     * with room behind its bytes sent that room in place of the next write: garbage in the stream
     * (bench/run --streams caught it).
     */
    @Test
    void aGatheredWriteMergedWithTheNextByNettysWriteQueueKeepsItsBytes() {
        out.open(this::write);
        ByteBuf read = Unpooled.copiedBuffer("abcdefgh", StandardCharsets.US_ASCII);
        sendByteByByte(read, 8);
        writes.getFirst().out.setSuccess(null);
        Write gathered = writes.getLast();
        assertThat(gathered.text).isEqualTo("efgh");
        writes.remove(gathered); // the queue owns it now

        EmbeddedChannel channel = new EmbeddedChannel();
        CoalescingBufferQueue queue = new CoalescingBufferQueue(channel);
        queue.add(gathered.data);
        queue.add(Unpooled.copiedBuffer("ij", StandardCharsets.US_ASCII));
        ByteBuf merged = queue.remove(6, channel.newPromise());

        assertThat(merged.toString(StandardCharsets.US_ASCII)).isEqualTo("efghij");
        merged.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void framesBeforeTheOtherSideOpensGoOutAsOneWriteWithTheirEnd() {
        ByteBuf read = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        out.send(read.slice(0, 2), false);
        out.send(read.slice(2, 1), true);

        out.open(this::write);

        assertThat(writes).extracting(Write::text, Write::end).containsExactly(tuple("abc", true));
        writes.getFirst().out.setSuccess(null);
        assertThat(written).containsExactly(3);
    }

    @Test
    void aFailedWriteLetsGoOfWhatWasGatheredAndNothingMoreGoesOut() {
        out.open(this::write);
        ByteBuf read = Unpooled.copiedBuffer("abcdef", StandardCharsets.US_ASCII);
        sendByteByByte(read, 5);
        assertThat(writes).hasSize(OutgoingData.WRITES_WAITING); // "e" is gathered

        writes.getFirst().out.setFailure(new IllegalStateException("stream reset"));
        out.send(read.slice(5, 1), true);

        writes.forEach(write -> write.out.trySuccess(null));

        assertThat(writes).hasSize(OutgoingData.WRITES_WAITING);
        assertThat(written).as("bytes counted as read once the stream is over").isEmpty();
    }

    @Test
    void theTrailersWaitForWhatWasGatheredToBeWritten() {
        out.open(this::write);
        ByteBuf read = Unpooled.copiedBuffer("abcde", StandardCharsets.US_ASCII);
        sendByteByByte(read, 5);

        out.writeGathered();

        assertThat(writes).extracting(Write::text).containsExactly("a", "b", "c", "d", "e");
    }
}
