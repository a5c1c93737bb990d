package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe against a real port that starts accepting while it waits; the instance is a stand-in
 * (only its port and its announcement matter here). The polling's first interval is 10 s, so that
 * readiness within a few seconds can only come from the announcement.
 */
class ReadinessProbeTest {
    private static final long SLOW_POLLING_MS = 10_000;

    private final Vertx vertx = Vertx.vertx();
    private final ReadinessProbe probe = new ReadinessProbe(vertx, SLOW_POLLING_MS);

    @AfterEach
    void close() {
        probe.close();
        vertx.close().await();
    }

    @Test
    void anInstanceThatSaysItServesIsCheckedAtOnce() throws Exception {
        int port = freePort();
        StandIn instance = new StandIn(port);
        Future<Void> ready = probe.await(instance, 60_000);
        await("the first poll refused").atMost(Duration.ofSeconds(5)).until(() -> instance.exitChecks.get() >= 2);
        assertThat(ready.isComplete()).as("nothing accepts yet").isFalse();

        try (ServerSocket accepting = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            long announced = System.nanoTime();
            instance.servingAnnounced.complete(null);
            ready.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - announced))
                    .as("well before the next poll")
                    .isLessThan(Duration.ofMillis(SLOW_POLLING_MS / 2));
        }
    }

    @Test
    void anAnnouncementBeforeThePortAcceptsIsNotReadiness() throws Exception {
        int port = freePort();
        StandIn instance = new StandIn(port);
        ReadinessProbe polling = new ReadinessProbe(vertx, 50);
        try {
            Future<Void> ready = polling.await(instance, 60_000);
            int checksBefore = instance.exitChecks.get();
            instance.servingAnnounced.complete(null);
            // the check it triggers runs before the next poll, which is refused too
            await("a poll after the announcement refused")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> instance.exitChecks.get() >= checksBefore + 3);
            assertThat(ready.isComplete()).as("the port accepts nothing").isFalse();

            try (ServerSocket accepting = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                ready.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                assertThat(ready.succeeded()).as("found by the polling").isTrue();
            }
        } finally {
            polling.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * An instance that has not exited, on {@code port}. The probe asks whether it exited before each
     * poll and again after a refused one: {@link #exitChecks} tells the test how far the polling got.
     */
    private static final class StandIn implements InstanceHandle {
        final CompletableFuture<Void> servingAnnounced = new CompletableFuture<>();
        final AtomicInteger exitChecks = new AtomicInteger();
        private final int port;

        StandIn(int port) {
            this.port = port;
        }

        @Override
        public String instanceId() {
            return "stand-in";
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public CompletableFuture<Void> servingAnnounced() {
            return servingAnnounced;
        }

        @Override
        public CompletableFuture<Integer> exit() {
            exitChecks.incrementAndGet();
            return new CompletableFuture<>();
        }

        @Override
        public void stop(Duration drain) {}

        @Override
        public boolean exceededRam() {
            return false;
        }

        @Override
        public List<String> lastOutput() {
            return List.of();
        }
    }
}
