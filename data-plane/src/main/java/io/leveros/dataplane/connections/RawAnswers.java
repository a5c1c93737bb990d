package io.leveros.dataplane.connections;

import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.ingress.HttpReplies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Answers written below Vert.x, as bytes: on HTTP/1.x the platform error a call would get (with
 * {@code connection: close}), on HTTP/2 a GOAWAY with the message.
 */
final class RawAnswers {
    /** HTTP/2's GOAWAY code for "the peer is causing too much load" (RFC 9113, 7). */
    private static final int ENHANCE_YOUR_CALM = 0xb;

    private RawAnswers() {}

    /** An HTTP/1.1 response with the platform error {@code code} and {@code connection: close}. */
    static ByteBuf http1(ErrorCode code, String message) {
        byte[] body = HttpReplies.errorBody(code, message).getBytes();
        HttpResponseStatus status = HttpResponseStatus.valueOf(code.httpStatus());
        String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "content-type: application/json\r\n"
                + "lever-error: platform\r\n"
                + (code == ErrorCode.TOO_MANY_CONNECTIONS ? "retry-after: 1\r\n" : "")
                + "connection: close\r\n"
                + "content-length: " + body.length + "\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    /** The server's (empty) SETTINGS, which must come first, then a GOAWAY with no stream processed. */
    static ByteBuf http2GoAway(String message) {
        byte[] debug = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf frames = Unpooled.buffer(9 + 9 + 8 + debug.length);
        frames.writeMedium(0).writeByte(0x4).writeByte(0).writeInt(0); // SETTINGS
        frames.writeMedium(8 + debug.length).writeByte(0x7).writeByte(0).writeInt(0); // GOAWAY
        frames.writeInt(0).writeInt(ENHANCE_YOUR_CALM).writeBytes(debug);
        return frames;
    }

    /** Whether the bytes read so far could be HTTP/2's connection preface ({@code PRI * ...}). */
    static boolean startsLikeHttp2(ByteBuf bytes) {
        byte[] preface = {'P', 'R', 'I'};
        int n = Math.min(preface.length, bytes.readableBytes());
        for (int i = 0; i < n; i++) {
            if (bytes.getByte(bytes.readerIndex() + i) != preface[i]) {
                return false;
            }
        }
        return n > 0;
    }
}
