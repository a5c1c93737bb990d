package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.ReplacedStreams;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams open on this data plane, whatever their protocol: how many there are, the closing of
 * those that stayed silent (no message either way) for longer than the idle timeout, and of those
 * still open on a version replaced longer ago than its {@code upgradeStreamGrace} ({@link
 * #endReplaced}). A stream that exchanges messages on a live version is never closed by the platform.
 */
public final class OpenStreams implements ReplacedStreams, AutoCloseable {
    /** One open stream, as seen by the idle check. */
    interface OpenStream {
        /** {@link System#nanoTime()} of the last message either way, or of the opening. */
        long lastActivityNanos();

        /** The instance on this node it runs on; null when none (it runs on another node). */
        Instance instance();

        /** Ends the stream with {@code error}; called from any thread. */
        void endWith(CallException error);
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

    /**
     * Ends every stream open on a draining instance of {@code replaced} (a version no longer live here)
     * with an error saying the version was replaced by {@code liveVersion}; answers how many. Streams on
     * instances of the same version started since (it went live again) run on.
     */
    @Override
    public int endReplaced(ServiceRoute replaced, long liveVersion) {
        CallException error = new CallException(
                ErrorCode.VERSION_REPLACED,
                "the stream ran on v" + replaced.versionNumber() + " of " + replaced.service() + ", which v"
                        + liveVersion + " replaced; it was ended once its upgradeStreamGrace ("
                        + replaced.upgradeStreamGraceMs() + " ms, lever.json) ran out: open it again to reach v"
                        + liveVersion);
        int ended = 0;
        for (OpenStream stream : open) {
            Instance instance = stream.instance();
            if (instance != null
                    && instance.draining()
                    && replaced.poolKey().equals(instance.route().poolKey())
                    && open.remove(stream)) {
                stream.endWith(error);
                ended++;
            }
        }
        return ended;
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
                stream.endWith(idleError(idleTimeout));
            }
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
