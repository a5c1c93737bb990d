package io.leveros.dataplane.stream;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams open on this data plane, whatever their protocol: how many there are, and the
 * closing of those that stayed silent (no message either way) for longer than the idle timeout. A
 * stream that exchanges messages is never closed by the platform.
 */
public final class OpenStreams implements AutoCloseable {
    /** One open stream, as seen by the idle check. */
    interface OpenStream {
        /** {@link System#nanoTime()} of the last message either way, or of the opening. */
        long lastActivityNanos();

        /** Ends the stream with an idle-timeout error; called from any thread. */
        void closeIdle(Duration idleTimeout);
    }

    private final Vertx vertx;
    private final Duration idleTimeout;
    private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();
    private final long timer;

    public OpenStreams(Vertx vertx, Duration idleTimeout) {
        this.vertx = vertx;
        this.idleTimeout = idleTimeout;
        long checkEvery = Math.clamp(idleTimeout.toMillis() / 4, 10, 1_000);
        this.timer = vertx.setPeriodic(checkEvery, id -> closeIdle());
    }

    void add(OpenStream stream) {
        open.add(stream);
    }

    void remove(OpenStream stream) {
        open.remove(stream);
    }

    /** How many streams are open now. */
    public int count() {
        return open.size();
    }

    /** The error a stream closed for silence ends with. */
    static CallException idleError(Duration idleTimeout) {
        return new CallException(
                ErrorCode.STREAM_IDLE,
                "the stream was closed after " + idleTimeout.toMillis() + " ms without a message either way (the"
                        + " data plane's --stream-idle-timeout; send a message now and then to keep it open)");
    }

    private void closeIdle() {
        long now = System.nanoTime();
        long idleNanos = idleTimeout.toNanos();
        for (OpenStream stream : open) {
            if (now - stream.lastActivityNanos() > idleNanos && open.remove(stream)) {
                stream.closeIdle(idleTimeout);
            }
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
