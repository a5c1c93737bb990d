package io.leveros.dataplane.call;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The body of a gRPC call or reply that must carry exactly one message, gathered from its DATA frames:
 * the first frame is kept as it came, and a body in several frames grows one buffer. The relays read it
 * and send it on without decoding the message; each names a wrong body in its own words, from {@link
 * #whatCameInstead()}.
 */
public final class GrpcMessageBody {
    /** A gRPC message's prefix: the compressed flag, then 4 bytes of length. */
    public static final int PREFIX = 5;

    private final int maxMessageSize;
    private Buffer body;
    /** Whether {@link #body} is this reader's own buffer (else the first frame's, kept as it came). */
    private boolean owned;

    /** @param maxMessageSize the largest message taken, in bytes */
    public GrpcMessageBody(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * {@code message} with its prefix (uncompressed, and its length) in a pooled direct buffer, for a
     * socket write, which releases it: the bytes are copied once, from the message's own buffer.
     */
    public static ByteBuf framed(Buffer message) {
        // BufferInternal.getByteBuf() would make a slice of it, only to be copied from
        ByteBuf bytes = message instanceof BufferImpl own ? own.byteBuf() : ((BufferInternal) message).getByteBuf();
        int length = bytes.readableBytes();
        ByteBuf framed = ByteBufAllocator.DEFAULT
                .directBuffer(PREFIX + length)
                .writeByte(0)
                .writeInt(length);
        // from the array when there is one: a copy from a ByteBuf would wrap it in a ByteBuffer first
        return bytes.hasArray()
                ? framed.writeBytes(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), length)
                : framed.writeBytes(bytes, bytes.readerIndex(), length);
    }

    /** Adds a DATA frame's bytes. */
    public void append(Buffer data) {
        if (body == null) {
            body = data;
            return;
        }
        if (!owned) { // a second frame: one buffer for the whole body from now on
            body = Buffer.buffer(Math.max(declaredSize(), 2 * (body.length() + data.length())))
                    .appendBuffer(body);
            owned = true;
        }
        body.appendBuffer(data);
    }

    /** Whether the first message's flag, once it came, says it is compressed. */
    public boolean compressed() {
        return flag() == 1;
    }

    /**
     * Whether the body already holds more than one message of the largest size taken, or begins with a
     * gRPC prefix that declares more: the reader stops there rather than buffer the rest.
     */
    public boolean tooLarge() {
        return body != null
                && (body.length() > PREFIX + maxMessageSize
                        || (body.length() >= PREFIX
                                && (flag() == 0 || flag() == 1)
                                && body.getInt(1) > maxMessageSize));
    }

    /** Drops what was gathered, for a body refused before its end. */
    public void discard() {
        body = null;
        owned = false;
    }

    /**
     * What the whole body holds when it is not exactly one uncompressed message, for an error naming it
     * ("no complete gRPC message", "a compressed gRPC message", "a gRPC message prefix declaring 3
     * bytes, and 11 bytes after it"); null when it is one.
     */
    public String whatCameInstead() {
        if (body == null || body.length() < PREFIX) {
            return "no complete gRPC message";
        }
        if (compressed()) {
            return "a compressed gRPC message";
        }
        if (flag() != 0) {
            return "bytes that are not a gRPC message (which begins with 0 or 1, not " + flag() + ")";
        }
        int length = body.getInt(1);
        if (length != body.length() - PREFIX) {
            return "a gRPC message prefix declaring " + length + " bytes, and " + (body.length() - PREFIX)
                    + " bytes after it";
        }
        return null;
    }

    /** The one message, without its prefix; only when {@link #whatCameInstead()} is null. */
    public Buffer message() {
        return body.slice(PREFIX, body.length());
    }

    /** The first byte, the compressed flag of a gRPC message; -1 before it came. */
    private int flag() {
        return body == null || body.length() == 0 ? -1 : body.getUnsignedByte(0);
    }

    /** The whole body's size as its first prefix declares it (0 before the prefix came). */
    private int declaredSize() {
        return body.length() >= PREFIX ? PREFIX + Math.max(0, body.getInt(1)) : 0;
    }
}
