package io.leveros.dataplane.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class GrpcMessageBodyTest {
    private final GrpcMessageBody body = new GrpcMessageBody(16);

    @Test
    void aMessageInSeveralFramesIsJoinedWithoutItsPrefix() {
        Buffer framed = framed(Buffer.buffer("hello, world"));

        body.append(framed.slice(0, 3));
        body.append(Buffer.buffer()); // an empty DATA frame, as some clients send before the end
        body.append(framed.slice(3, 9));
        body.append(framed.slice(9, framed.length()));

        assertThat(body.whatCameInstead()).isNull();
        assertThat(body.message().toString()).isEqualTo("hello, world");
    }

    @Test
    void anEmptyFirstFrameIsNeitherCompressedNorAMessage() {
        body.append(Buffer.buffer());

        assertThat(body.compressed()).isFalse();
        assertThat(body.tooLarge()).isFalse();
        assertThat(body.whatCameInstead()).isEqualTo("no complete gRPC message");
    }

    @Test
    void whatCameInsteadOfOneUncompressedMessageIsNamed() {
        assertThat(body.whatCameInstead()).isEqualTo("no complete gRPC message");

        body.append(Buffer.buffer(new byte[] {0, 0, 0}));
        assertThat(body.whatCameInstead()).isEqualTo("no complete gRPC message");

        GrpcMessageBody two = new GrpcMessageBody(16);
        two.append(framed(Buffer.buffer("one")));
        two.append(framed(Buffer.buffer("two")));
        assertThat(two.whatCameInstead()).isEqualTo("a gRPC message prefix declaring 3 bytes, and 11 bytes after it");

        GrpcMessageBody compressed = new GrpcMessageBody(16);
        compressed.append(Buffer.buffer(new byte[] {1, 0, 0, 0, 1, 42}));
        assertThat(compressed.compressed()).isTrue();
        assertThat(compressed.whatCameInstead()).isEqualTo("a compressed gRPC message");

        GrpcMessageBody text = new GrpcMessageBody(16);
        text.append(Buffer.buffer("not gRPC"));
        assertThat(text.tooLarge()).as("\"ot g\" is not a length").isFalse();
        assertThat(text.whatCameInstead())
                .isEqualTo("bytes that are not a gRPC message (which begins with 0 or 1, not 110)");
    }

    @Test
    void aMessageOverTheLimitIsTooLargeAsSoonAsItsPrefixSaysSo() {
        body.append(Buffer.buffer(new byte[] {0, 0, 0, 0, 17}));
        assertThat(body.tooLarge()).as("declared 17 bytes, limit 16").isTrue();

        GrpcMessageBody undeclared = new GrpcMessageBody(16);
        undeclared.append(framed(Buffer.buffer(new byte[16])));
        assertThat(undeclared.tooLarge()).as("exactly the limit").isFalse();
        undeclared.append(Buffer.buffer(new byte[1]));
        assertThat(undeclared.tooLarge())
                .as("one byte more than a whole message of the limit")
                .isTrue();
    }

    @Test
    void aFramedMessageIsItsPrefixAndItsBytesAndLeavesTheMessageAsItWas() {
        Buffer message = Buffer.buffer("0123456789").slice(2, 7); // a message inside a larger body

        ByteBuf framed = GrpcMessageBody.framed(message);
        try {
            assertThat(ByteBufUtil.getBytes(framed)).isEqualTo(framed("23456").getBytes());
            assertThat(framed.isDirect()).isTrue();
            assertThat(message.toString()).isEqualTo("23456");
        } finally {
            framed.release();
        }
    }

    private static Buffer framed(String message) {
        return framed(Buffer.buffer(message));
    }

    private static Buffer framed(Buffer message) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(message.length()).appendBuffer(message);
    }
}
