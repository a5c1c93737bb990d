package io.leveros.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 on a plain socket, for tests that must control the connection a client library hides:
 * which one a request goes on, when bytes are sent, what comes back before a close.
 */
public final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    private RawHttp() {}

    /** A connection to {@code port} on loopback whose reads fail after 30 s. */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** One answer on a kept-alive connection: its head (status line and headers) and body. */
    public record Answer(String head, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads the next answer, which must have a {@code content-length}. */
    public static Answer nextAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0;
        while (last != 0x0d0a0d0a) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
            last = last << 8 | b;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher length = CONTENT_LENGTH.matcher(text);
        if (!length.find()) {
            throw new IOException("no content-length in " + text);
        }
        return new Answer(text, in.readNBytes(Integer.parseInt(length.group(1))));
    }

    /** Everything the server sends until it closes the connection (fails on the read timeout). */
    public static byte[] readUntilClosed(Socket socket) throws IOException {
        return socket.getInputStream().readAllBytes();
    }

    /** {@link #readUntilClosed} as text. */
    public static String textUntilClosed(Socket socket) throws IOException {
        return new String(readUntilClosed(socket), StandardCharsets.UTF_8);
    }
}
