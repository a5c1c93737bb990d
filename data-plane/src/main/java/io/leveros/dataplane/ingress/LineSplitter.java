package io.leveros.dataplane.ingress;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.util.function.Predicate;

/**
 * Splits a byte stream into lines at {@code \n} (a {@code \r} before it is dropped), skipping blank
 * lines. A line may be at most {@code maxLine} bytes, so at most that much is held.
 */
public final class LineSplitter {
    private final int maxLine;
    private final Predicate<Buffer> lines;
    private Buffer partial = Buffer.buffer();

    /** @param lines takes each line; returns false to stop splitting after it */
    public LineSplitter(int maxLine, Predicate<Buffer> lines) {
        this.maxLine = maxLine;
        this.lines = lines;
    }

    /**
     * Splits {@code chunk}, continuing the line left over from the previous chunk.
     *
     * @return what follows the line on which splitting stopped, or null if the chunk was used up
     * @throws CallException PAYLOAD_TOO_LARGE for a line over the limit
     */
    public Buffer feed(Buffer chunk) {
        int start = 0;
        int length = chunk.length();
        for (int i = 0; i < length; i++) {
            if (chunk.getByte(i) != '\n') {
                continue;
            }
            Buffer line;
            if (partial.length() == 0) {
                line = chunk.slice(start, i);
            } else {
                line = partial.appendBuffer(chunk, start, i - start);
                partial = Buffer.buffer();
            }
            checkLength(line.length());
            start = i + 1;
            if (!deliver(line)) {
                return start < length ? chunk.slice(start, length) : null;
            }
        }
        checkLength(partial.length() + length - start);
        partial.appendBuffer(chunk, start, length - start);
        return null;
    }

    /** The input ended: a last line without a {@code \n} is a line too. */
    public void finish() {
        Buffer last = partial;
        partial = Buffer.buffer();
        deliver(last);
    }

    private boolean deliver(Buffer line) {
        int end = line.length();
        if (end > 0 && line.getByte(end - 1) == '\r') {
            end--;
        }
        for (int i = 0; i < end; i++) {
            byte b = line.getByte(i);
            if (b != ' ' && b != '\t') {
                return lines.test(end == line.length() ? line : line.slice(0, end));
            }
        }
        return true; // a blank line
    }

    private void checkLength(int length) {
        if (length > maxLine) {
            throw new CallException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "a line of the streaming request is longer than " + maxLine
                            + " bytes (expected: one JSON message per line, each at most that size)");
        }
    }
}
