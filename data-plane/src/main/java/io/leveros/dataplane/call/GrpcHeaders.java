package io.leveros.dataplane.call;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.http.HttpHeaders;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * gRPC's HTTP/2 headers, for the data plane's relays, which handle gRPC below Vert.x's gRPC layer: its
 * content type and encoding, and the status as it travels in trailers (or headers, for a trailers-only
 * answer): {@code grpc-status} and {@code grpc-message}, which the gRPC spec writes as UTF-8 with
 * bytes outside printable ASCII, and '%', as {@code %XX}.
 */
public final class GrpcHeaders {
    /** gRPC's content type; {@code application/grpc+proto} and others begin with it. */
    public static final String CONTENT_TYPE = "application/grpc";
    /** gRPC-Web's content type ({@code application/grpc-web+proto}, {@code -text} begin with it). */
    public static final String WEB_CONTENT_TYPE = "application/grpc-web";

    public static final CharSequence GRPC_CONTENT_TYPE = HttpHeaders.createOptimized(CONTENT_TYPE);
    public static final CharSequence GRPC_ENCODING = HttpHeaders.createOptimized("grpc-encoding");
    public static final CharSequence GRPC_ACCEPT_ENCODING = HttpHeaders.createOptimized("grpc-accept-encoding");
    public static final CharSequence GRPC_STATUS = HttpHeaders.createOptimized("grpc-status");
    public static final CharSequence GRPC_MESSAGE = HttpHeaders.createOptimized("grpc-message");

    private GrpcHeaders() {}

    /**
     * The HEADERS that end a gRPC call with {@code status}: its trailers, or, when nothing was answered
     * yet ({@code trailersOnly}), a trailers-only answer.
     */
    public static Http2Headers statusHeaders(GrpcStatus status, String message, boolean trailersOnly) {
        Http2Headers headers = new DefaultHttp2Headers();
        if (trailersOnly) {
            headers.status("200").set(HttpHeaderNames.CONTENT_TYPE, GRPC_CONTENT_TYPE);
        }
        return headers.set(GRPC_STATUS, Integer.toString(status.code)).set(GRPC_MESSAGE, percentEncoded(message));
    }

    /** {@code message} as {@code grpc-message} carries it. */
    public static String percentEncoded(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            if (b >= ' ' && b <= '~' && b != '%') {
                encoded.append((char) b);
            } else {
                encoded.append('%')
                        .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    /** A {@code grpc-message} as text; a '%' not followed by two hex digits is kept as it is, as the spec asks. */
    public static String percentDecoded(String header) {
        if (header.indexOf('%') < 0) {
            return header;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(header.length());
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            int high = i + 2 < header.length() ? Character.digit(header.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(header.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
