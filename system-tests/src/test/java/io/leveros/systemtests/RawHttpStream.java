package io.leveros.systemtests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A full-duplex HTTP/1.1 streaming call on a plain socket: the request body is sent in chunks while
 * the chunked reply is read, as {@code curl -N -T -} does. (java.net.http sends the whole body
 * before it reads the reply, so it cannot test a stream.)
 */
final class RawHttpStream implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private long chunkLeft;
    private boolean bodyEnded;

    private RawHttpStream(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Sends the request head and the first body line (the JSON args array). */
    static RawHttpStream open(int port, String path, String contentType, String argsLine) throws IOException {
        RawHttpStream stream = new RawHttpStream(new Socket("127.0.0.1", port));
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        stream.out.write(head.getBytes(StandardCharsets.US_ASCII));
        stream.send((argsLine + "\n").getBytes(StandardCharsets.UTF_8));
        return stream;
    }

    /** Sends one chunk of the body. */
    void send(byte[] bytes) throws IOException {
        send(bytes, 0, bytes.length);
    }

    void send(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, offset, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void sendLine(String line) throws IOException {
        send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the body: the stream's sending side closes. */
    void finish() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line and headers (once). */
    int status() throws IOException {
        if (status == 0) {
            String statusLine = rawLine();
            status = Integer.parseInt(statusLine.split(" ")[1]);
            readFields(headers);
            if (!"chunked".equalsIgnoreCase(header("transfer-encoding"))) {
                long length = Long.parseLong(header("content-length"));
                chunkLeft = length;
                bodyEnded = length == 0;
                headers.put("x-not-chunked", "true");
            }
        }
        return status;
    }

    String header(String name) throws IOException {
        status();
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads reply body bytes into {@code buffer}; -1 at the end of the body. */
    int read(byte[] buffer, int offset, int length) throws IOException {
        status();
        if (bodyEnded) {
            return -1;
        }
        boolean chunked = !headers.containsKey("x-not-chunked");
        if (chunkLeft == 0 && chunked) {
            String size = rawLine();
            int semicolon = size.indexOf(';');
            chunkLeft = Long.parseLong(
                    semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
            if (chunkLeft == 0) {
                readFields(trailers);
                bodyEnded = true;
                return -1;
            }
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
        if (n < 0) {
            throw new EOFException("the connection closed inside the reply body");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            if (chunked) {
                rawLine(); // the CRLF after the chunk
            } else {
                bodyEnded = true;
            }
        }
        return n;
    }

    /** Reads one reply line (a JSON message), without its newline; null at the end of the body. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (true) {
            int n = read(one, 0, 1);
            if (n < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (one[0] == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(one[0]);
        }
    }

    /** The rest of the reply body. */
    byte[] readRest() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = read(buffer, 0, buffer.length)) >= 0; ) {
            rest.write(buffer, 0, n);
        }
        return rest.toByteArray();
    }

    /** The trailers, once the body has been read to its end. */
    Map<String, String> trailers() {
        return trailers;
    }

    private void readFields(Map<String, String> into) throws IOException {
        for (String line = rawLine(); !line.isEmpty(); line = rawLine()) {
            int colon = line.indexOf(':');
            into.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
    }

    /** One CRLF-terminated line of the HTTP framing. */
    private String rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed inside the reply's framing");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
