package io.leveros.controlplane.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/** Counts the bytes read and throws as soon as more than {@code limit} have come through. */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final LongFunction<RuntimeException> tooMuch;
    private long count;

    LimitedInputStream(InputStream in, long limit, LongFunction<RuntimeException> tooMuch) {
        super(in);
        this.limit = limit;
        this.tooMuch = tooMuch;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, (int) Math.min(length, limit - count + 1));
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit - count + 1));
        add(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void add(long n) {
        count += n;
        if (count > limit) {
            throw tooMuch.apply(limit);
        }
    }
}
