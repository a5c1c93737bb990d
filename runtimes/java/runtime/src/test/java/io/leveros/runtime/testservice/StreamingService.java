package io.leveros.runtime.testservice;

import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Streaming methods for the stream tests (in-process and as a real process). */
public class StreamingService {
    /** Messages {@link #floodChan} has sent so far (in-process tests read it). */
    public static final AtomicInteger FLOOD_SENT = new AtomicInteger();
    /** What ended the last {@link #floodChan} ({@code null} while it runs or when it returned). */
    public static final java.util.concurrent.atomic.AtomicReference<String> floodEnd =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Released by the tests to let {@link #holdChan} start reading. */
    public static volatile CountDownLatch holdRelease = new CountDownLatch(1);

    /**
     * The original system test: each message m is answered with {@code prefix:m received} (m as
     * any JSON value, like the original's string concatenation); returns when the client closes.
     */
    public void ReqReplyStreamChan(LeverStream stream, String prefix) {
        for (LeverStream.Message m : stream) {
            stream.send(prefix + ":" + m.as(Object.class) + " received");
        }
    }

    /** Sends back every byte message as it is. */
    public void echoBytesChan(LeverStream stream) {
        for (LeverStream.Message m : stream) {
            stream.send(m.bytes());
        }
    }

    /** Echoes {@code count} messages, then throws. */
    public void failAfterChan(LeverStream stream, int count) {
        for (int i = 0; i < count; i++) {
            stream.send(stream.receive(Object.class));
        }
        throw new IllegalStateException("failed after " + count + " messages");
    }

    /** Throws a LeverError with a JSON value at once. */
    public void leverErrorChan(LeverStream stream) {
        throw new LeverError(Map.of("code", 7));
    }

    /** Sends {@code count} strings of {@code size} characters as fast as the client takes them. */
    public void floodChan(LeverStream stream, int count, int size) {
        FLOOD_SENT.set(0);
        floodEnd.set(null);
        String filler = "x".repeat(size);
        try {
            for (int i = 0; i < count; i++) {
                stream.send(i + ":" + filler);
                FLOOD_SENT.incrementAndGet();
            }
            floodEnd.set("returned");
        } catch (RuntimeException e) {
            floodEnd.set(e.toString());
            throw e;
        }
    }

    /** Reads nothing until the test releases it, then answers how many messages came. */
    public void holdChan(LeverStream stream) throws InterruptedException {
        if (!holdRelease.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
        }
        int count = 0;
        for (LeverStream.Message ignored : stream) {
            count++;
        }
        stream.send(count);
    }

    /** Sends its argument and returns at once, without waiting for the client. */
    public void once_chan(LeverStream stream, String value) {
        stream.send(value);
    }

    public String regular(String value) {
        return value;
    }
}
