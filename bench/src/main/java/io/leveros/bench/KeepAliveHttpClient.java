package io.leveros.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client over one kept-alive connection, for load: it costs the load generator
 * far less CPU than {@code java.net.http} (which, on this 2-core machine, capped the measured
 * throughput at a third of what the data plane serves), so the figures describe the platform.
 * One instance per client thread; it understands only {@code Content-Length} replies.
 */
final class KeepAliveHttpClient implements AutoCloseable {
    private final int port;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    KeepAliveHttpClient(int port, String pathAndQuery, String jsonBody) throws IOException {
        this.port = port;
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000); // a stuck reply fails the benchmark instead of hanging it
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        request = request(pathAndQuery, jsonBody);
    }

    /** Sends the call and reads the whole reply; fails unless the status is 200. */
    void call() throws IOException {
        call(request);
    }

    /** Sends a call built once by {@link #request} and reads the whole reply; fails unless the status is 200. */
    void call(byte[] prebuilt) throws IOException {
        out.write(prebuilt);
        out.flush();
        in.skipNBytes(replyLength());
    }

    /**
     * Sends another call over the same connection (built per call: for calls that each name
     * something new) and answers the reply's body; fails unless the status is 200.
     */
    String call(String pathAndQuery, String jsonBody) throws IOException {
        out.write(request(pathAndQuery, jsonBody));
        out.flush();
        return new String(in.readNBytes(replyLength()), StandardCharsets.UTF_8);
    }

    /** The bytes of a call, to send many times with {@link #call(byte[])}. */
    byte[] request(String pathAndQuery, String jsonBody) {
        return request(pathAndQuery, jsonBody, "");
    }

    /**
     * The bytes of a call with more headers ({@code extraHeaders}: lines each ending in {@code
     * \r\n}, e.g. {@code "traceparent: 00-…-01\r\n"}), to send many times with {@link #call(byte[])}.
     */
    byte[] request(String pathAndQuery, String jsonBody, String extraHeaders) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\n" + extraHeaders + "Content-Length: " + body.length
                + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
        System.arraycopy(body, 0, bytes, headBytes.length, body.length);
        return bytes;
    }

    /** Reads the status line and headers; answers the body's length. */
    private int replyLength() throws IOException {
        String status = line();
        int length = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("reply without Content-Length: " + status);
        }
        if (!status.startsWith("HTTP/1.1 200")) {
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            throw new IOException("unexpected reply: " + status + ": " + body);
        }
        return length;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
