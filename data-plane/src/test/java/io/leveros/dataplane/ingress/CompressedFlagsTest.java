package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class CompressedFlagsTest {

    @Test
    void findsACompressedMessageAfterPlainOnesWhereverTheChunksSplit() {
        Buffer body = message(0, 300).appendBuffer(message(0, 0)).appendBuffer(message(1, 10));
        int compressedAt = 5 + 300 + 5;
        for (int split = 1; split < body.length(); split++) {
            CompressedFlags flags = new CompressedFlags();
            boolean first = flags.compressedMessageIn(bytes(body.slice(0, split)));
            boolean second = flags.compressedMessageIn(bytes(body.slice(split, body.length())));
            assertThat(first).as("split at %d", split).isEqualTo(split > compressedAt);
            assertThat(first || second).as("split at %d", split).isTrue();
        }
    }

    @Test
    void plainMessagesWhoseBytesLookLikeFlagsPass() {
        Buffer body = message(0, 1000).appendBuffer(message(0, 70_000));
        CompressedFlags flags = new CompressedFlags();
        for (int i = 0; i < body.length(); i += 7) {
            assertThat(flags.compressedMessageIn(bytes(body.slice(i, Math.min(i + 7, body.length())))))
                    .isFalse();
        }
    }

    /** {@code chunk} as Netty hands a frame over: behind bytes already read. */
    private static ByteBuf bytes(Buffer chunk) {
        return Unpooled.buffer()
                .writeBytes(new byte[] {1, 1, 1})
                .writeBytes(chunk.getBytes())
                .skipBytes(3);
    }

    /** A message of {@code length} bytes of 0x01, each of which would read as a compressed flag. */
    private static Buffer message(int flag, int length) {
        Buffer message = Buffer.buffer().appendByte((byte) flag).appendInt(length);
        for (int i = 0; i < length; i++) {
            message.appendByte((byte) 1);
        }
        return message;
    }
}
