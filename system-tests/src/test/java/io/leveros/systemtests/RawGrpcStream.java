package io.leveros.systemtests;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gRPC stream on a bare HTTP/2 connection (h2c, prior knowledge), written frame by frame as no
 * gRPC library would: its DATA in frames of any size, within the window the other end gives, while
 * nothing it answers is read (the connection's and the stream's windows for the answer are 0). For
 * the frames a hostile or odd client may send.
 */
final class RawGrpcStream implements AutoCloseable {
    private static final int STREAM = 1;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    /** HTTP/2's initial windows, before any WINDOW_UPDATE. */
    private static final int DEFAULT_WINDOW = 65_535;

    private final Socket socket;
    private final DataOutputStream out;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition windowGrew = lock.newCondition();
    private long streamWindow = DEFAULT_WINDOW;
    private long connectionWindow = DEFAULT_WINDOW;
    private volatile boolean open = true;

    /** Opens {@code path} with {@code headers} (name, value, ...) and reads the other end's frames. */
    RawGrpcStream(String hostPort, String path, String... headers) throws IOException {
        String[] address = hostPort.split(":");
        socket = new Socket(address[0], Integer.parseInt(address[1]));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[] {0, SETTINGS_INITIAL_WINDOW_SIZE, 0, 0, 0, 0}, 0, 6);
        HeaderBlock block = new HeaderBlock()
                .add(":method", "POST")
                .add(":scheme", "http")
                .add(":path", path)
                .add(":authority", hostPort)
                .add("content-type", "application/grpc")
                .add("te", "trailers");
        for (int i = 0; i < headers.length; i += 2) {
            block.add(headers[i], headers[i + 1]);
        }
        frame(HEADERS, END_HEADERS, STREAM, block.bytes.toByteArray(), 0, block.bytes.size());
        flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        reader = Thread.ofPlatform().daemon().start(() -> read(in));
    }

    /**
     * Sends {@code bytes} in DATA frames of {@code frameSize} bytes, each as the window allows.
     *
     * @return false when the window stayed shut for {@code stalledMillis} (what was not sent stays so)
     */
    boolean send(byte[] bytes, int frameSize, long stalledMillis) throws IOException, InterruptedException {
        for (int at = 0; at < bytes.length; at += frameSize) {
            int size = Math.min(frameSize, bytes.length - at);
            if (!takeWindow(size, stalledMillis)) {
                return false;
            }
            frame(DATA, 0, STREAM, bytes, at, size);
        }
        flush();
        return true;
    }

    private boolean takeWindow(int size, long stalledMillis) throws IOException, InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stalledMillis);
            while (streamWindow < size || connectionWindow < size) {
                flush(); // what is written counts only once the other end has it
                long left = deadline - System.nanoTime();
                if (left <= 0 || !open) {
                    return false;
                }
                windowGrew.awaitNanos(left);
            }
            streamWindow -= size;
            connectionWindow -= size;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the other end's frames: counts its WINDOW_UPDATEs, acknowledges its SETTINGS, drops the rest. */
    private void read(DataInputStream in) {
        try {
            while (open) {
                int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    for (int at = 0; at + 6 <= length; at += 6) {
                        if (uint16(payload, at) == SETTINGS_INITIAL_WINDOW_SIZE) {
                            growWindow(STREAM, uint31(payload, at + 2) - DEFAULT_WINDOW);
                        }
                    }
                    frame(SETTINGS, ACK, 0, new byte[0], 0, 0);
                    flush();
                } else if (type == WINDOW_UPDATE) {
                    growWindow(stream, uint31(payload, 0));
                }
            }
        } catch (IOException e) {
            open = false;
        }
    }

    private void growWindow(int stream, long increment) {
        lock.lock();
        try {
            if (stream == 0) {
                connectionWindow += increment;
            } else if (stream == STREAM) {
                streamWindow += increment;
            }
            windowGrew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static int uint16(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    }

    private static int uint31(byte[] bytes, int at) {
        return ((bytes[at] & 0x7f) << 24)
                | ((bytes[at + 1] & 0xff) << 16)
                | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    private void frame(int type, int flags, int stream, byte[] payload, int offset, int length) throws IOException {
        synchronized (out) {
            out.writeByte(length >>> 16);
            out.writeShort(length);
            out.writeByte(type);
            out.writeByte(flags);
            out.writeInt(stream);
            out.write(payload, offset, length);
        }
    }

    private void flush() throws IOException {
        synchronized (out) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        socket.close();
    }

    /** HPACK literals without indexing and without Huffman coding: names and values under 127 bytes. */
    private static final class HeaderBlock {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        HeaderBlock add(String name, String value) {
            bytes.write(0);
            string(name);
            string(value);
            return this;
        }

        private void string(String text) {
            byte[] encoded = text.getBytes(StandardCharsets.US_ASCII);
            if (encoded.length >= 127) {
                throw new IllegalArgumentException("header too long for this encoder: " + text);
            }
            bytes.write(encoded.length);
            bytes.writeBytes(encoded);
        }
    }
}
