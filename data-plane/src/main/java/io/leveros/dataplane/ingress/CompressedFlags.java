package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.GrpcMessageBody;
import io.netty.buffer.ByteBuf;

/**
 * Follows the gRPC messages of a request body, chunk by chunk, and tells whether one is flagged
 * compressed. Each message is a 5-byte prefix (flag byte, then a big-endian length) and its bytes; only
 * the prefixes are read, the messages are skipped.
 */
final class CompressedFlags {
    private int prefixRead;
    private long messageLength;
    private long messageLeft;

    /** Whether a message starting in {@code chunk} is flagged compressed; keeps its place across chunks. */
    boolean compressedMessageIn(ByteBuf chunk) {
        int i = chunk.readerIndex();
        int length = chunk.writerIndex();
        while (i < length) {
            if (messageLeft > 0) {
                int skipped = (int) Math.min(messageLeft, length - i);
                messageLeft -= skipped;
                i += skipped;
                continue;
            }
            byte b = chunk.getByte(i++);
            if (prefixRead == 0) {
                if ((b & 1) != 0) {
                    return true;
                }
                messageLength = 0;
            } else {
                messageLength = (messageLength << 8) | (b & 0xFF);
            }
            if (++prefixRead == GrpcMessageBody.PREFIX) {
                prefixRead = 0;
                messageLeft = messageLength;
            }
        }
        return false;
    }
}
