package io.leveros.dataplane.testing;

import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Vert.x options with a low blocked-thread warning time, and a record of every warning Vert.x's
 * checker logs, so that a test can fail when an event loop was blocked.
 */
public final class BlockedThreadWatch extends Handler {
    private static final Logger CHECKER = Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    public static BlockedThreadWatch install() {
        BlockedThreadWatch watch = new BlockedThreadWatch();
        CHECKER.addHandler(watch);
        return watch;
    }

    public static VertxOptions strictOptions() {
        return new VertxOptions()
                .setBlockedThreadCheckInterval(100)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(300)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(300)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    }

    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void publish(LogRecord record) {
        warnings.add(
                record.getThrown() == null ? record.getMessage() : record.getMessage() + where(record.getThrown()));
    }

    /** The blocked thread's top frames, which say what blocked it. */
    private static String where(Throwable blockedAt) {
        StringBuilder frames = new StringBuilder();
        StackTraceElement[] stack = blockedAt.getStackTrace();
        for (int i = 0; i < Math.min(12, stack.length); i++) {
            frames.append("\n    at ").append(stack[i]);
        }
        return frames.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        CHECKER.removeHandler(this);
    }
}
