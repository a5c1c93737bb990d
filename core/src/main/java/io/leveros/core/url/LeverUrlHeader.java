package io.leveros.core.url;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A {@link LeverUrl} as the value of the {@code lever-url} gRPC metadata header, which must be
 * printable ASCII (grpc-java turns other characters into {@code ?}, grpc-js refuses them): the
 * resource's UTF-8 bytes outside {@code !}..{@code ~}, and {@code %} itself, are written as
 * {@code %XX}; everything else is {@link LeverUrl#toString()} unchanged. So a resource with
 * unicode, spaces or {@code %} reaches the instance intact; an ASCII one is sent as it is.
 *
 * <p>Every sender of the header (clients, the data plane when it forwards) writes it with {@link
 * #format} and every receiver (runtimes, the data plane's gRPC ingress) reads it with {@link
 * #parse}. The Node runtime and client do the same ({@code lib/url.js}).
 *
 * <p>Both remember their last results ({@link RecentResults}): a data plane, a runtime or a client
 * sees the same few URLs call after call, and parsing and writing one made about 7 % of the heap a
 * relayed call allocates (docs/benchmarks.md, "Peer proxies").
 */
public final class LeverUrlHeader {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final RecentResults<String, LeverUrl> PARSED = new RecentResults<>(LeverUrlHeader::parsed);
    private static final RecentResults<LeverUrl, String> FORMATTED = new RecentResults<>(LeverUrlHeader::formatted);

    private LeverUrlHeader() {}

    /** The header value for {@code url}. */
    public static String format(LeverUrl url) {
        return FORMATTED.apply(url);
    }

    private static String formatted(LeverUrl url) {
        if (!needsEscaping(url.resource())) {
            return url.toString();
        }
        return new LeverUrl(url.environment(), url.service(), escape(url.resource()), url.method()).toString();
    }

    /**
     * The URL a header value names, its resource unescaped.
     *
     * @throws InvalidLeverUrlException when the text is not a Lever URL, or its resource has a
     *     {@code %} not followed by two hex digits or escapes bytes that are not UTF-8
     */
    public static LeverUrl parse(String header) {
        return PARSED.apply(header);
    }

    private static LeverUrl parsed(String header) {
        LeverUrl url = LeverUrl.parse(header);
        if (url.resource().indexOf('%') < 0) {
            return url;
        }
        return new LeverUrl(url.environment(), url.service(), unescape(header, url.resource()), url.method());
    }

    private static boolean needsEscaping(String resource) {
        for (int i = 0; i < resource.length(); i++) {
            char c = resource.charAt(i);
            if (c <= ' ' || c > '~' || c == '%') {
                return true;
            }
        }
        return false;
    }

    private static String escape(String resource) {
        byte[] bytes = resource.getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c <= ' ' || c > '~' || c == '%') {
                text.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                text.append((char) c);
            }
        }
        return text.toString();
    }

    private static String unescape(String header, String resource) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(resource.length());
        for (int i = 0; i < resource.length(); i++) {
            char c = resource.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int high = i + 2 < resource.length() ? Character.digit(resource.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(resource.charAt(i + 2), 16);
            if (low < 0) {
                throw new InvalidLeverUrlException("'" + header + "': the resource has '%' at position " + i
                        + " not followed by two hex digits (expected: %XX escapes, '%' itself written %25)");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidLeverUrlException(
                    "'" + header + "': the resource's %XX escapes are not UTF-8 (expected: UTF-8 bytes)");
        }
    }
}
