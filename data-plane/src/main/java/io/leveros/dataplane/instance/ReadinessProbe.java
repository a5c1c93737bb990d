package io.leveros.dataplane.instance;

import io.leveros.core.process.ExitCodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * Waits until an instance is ready, i.e. its port accepts a TCP connection (the runtime contract's
 * readiness rule). Polls with non-blocking connects on the event loop, every {@value #FIRST_DELAY_MS}
 * ms for the first {@value #STEADY_MS} ms (a warm runtime is ready in about 10 ms, and a refused
 * connect to a loopback port costs microseconds), then backing off to 50 ms, until the port accepts,
 * the process exits, or the start timeout passes. An instance that says it serves ({@link
 * InstanceHandle#servingAnnounced()}) is checked at once: a start that outlasts the first 100 ms (a
 * JVM without a warm runtime, a container, a burst on a slow machine) is seen then, not up to 50 ms
 * later.
 */
public final class ReadinessProbe implements AutoCloseable {
    static final long FIRST_DELAY_MS = 2;
    static final long STEADY_MS = 100;
    static final long MAX_DELAY_MS = 50;

    private final Vertx vertx;
    private final NetClient client;
    private final long firstDelayMs;

    public ReadinessProbe(Vertx vertx) {
        this(vertx, FIRST_DELAY_MS);
    }

    /** @param firstDelayMs the polling's first interval (a test's, to tell polling from the announcement) */
    ReadinessProbe(Vertx vertx, long firstDelayMs) {
        this.vertx = vertx;
        this.firstDelayMs = firstDelayMs;
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1_000));
    }

    /**
     * Completes when {@code instance} accepts connections; fails with a {@link NotReadyException}
     * saying whether it exited or timed out.
     */
    public Future<Void> await(InstanceHandle instance, long timeoutMs) {
        Promise<Void> ready = Promise.promise();
        long start = System.nanoTime();
        attempt(instance, ready, start, start + timeoutMs * 1_000_000L, timeoutMs, firstDelayMs);
        Context context = vertx.getOrCreateContext();
        instance.servingAnnounced().thenRun(() -> context.runOnContext(now -> checkNow(instance, ready)));
        return ready.future();
    }

    /** One connect, besides the polling: ready if it is accepted. */
    private void checkNow(InstanceHandle instance, Promise<Void> ready) {
        if (!ready.future().isComplete()) {
            accepts(instance.port()).onSuccess(accepted -> ready.tryComplete());
        }
    }

    /** Succeeds when the port accepts a connection (closed at once, not waited for). */
    private Future<Void> accepts(int port) {
        return client.connect(port, "127.0.0.1").map(connection -> {
            connection.close();
            return null;
        });
    }

    private void attempt(
            InstanceHandle instance, Promise<Void> ready, long start, long deadline, long timeoutMs, long delay) {
        if (ready.future().isComplete()) {
            return;
        }
        if (instance.exit().isDone()) {
            ready.tryFail(new NotReadyException(ExitCodes.exited(instance.exit().getNow(-1))
                    + " before it was ready (its port " + instance.port() + " never accepted a connection)"));
            return;
        }
        accepts(instance.port()).onComplete(result -> {
            if (result.succeeded()) {
                ready.tryComplete();
            } else if (instance.exit().isDone()) {
                attempt(instance, ready, start, deadline, timeoutMs, delay);
            } else if (System.nanoTime() - deadline > 0) {
                ready.tryFail(new NotReadyException("was not ready within " + timeoutMs + " ms (its port "
                        + instance.port() + " accepted no connection); if it needs longer to start, raise "
                        + "--instance-start-timeout"));
            } else {
                long next =
                        System.nanoTime() - start < STEADY_MS * 1_000_000L ? delay : Math.min(MAX_DELAY_MS, delay * 2);
                vertx.setTimer(delay, id -> attempt(instance, ready, start, deadline, timeoutMs, next));
            }
        });
    }

    @Override
    public void close() {
        client.close();
    }

    /** The instance did not become ready; the message says why. */
    public static final class NotReadyException extends RuntimeException {
        NotReadyException(String message) {
            super(message, null, false, false);
        }
    }
}
