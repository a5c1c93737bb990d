package io.leveros.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.activator.WaitQueue.Waiter;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitQueueTest {
    private static final ServiceRoute ROUTE =
            new ServiceRoute("dev.lever", "hello", "dev.lever/hello/1", null, false, 10, 0, 0, 0, List.of(), -1, 0);

    private final Vertx vertx = Vertx.vertx();
    private final List<Waiter> timedOut = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private WaitQueue queue(int maxQueuedCalls, long timeoutMs) {
        return new WaitQueue(vertx, maxQueuedCalls, timeoutMs, timedOut::add);
    }

    private static Lease lease() {
        return Lease.onResourceOwner(SocketAddress.inetSocketAddress(7000, "127.0.0.1"), "node-1", 1, ROUTE);
    }

    @Test
    void atMostMaxQueuedCallsWaitAndTheRefusalSaysHowManyAndWhichLimit() {
        WaitQueue queue = queue(2, 60_000);
        queue.add(false);
        assertThat(queue.full()).isFalse();
        queue.add(true);
        assertThat(queue.full()).isTrue();
        CallException refusal = queue.tooMany(ROUTE, false);
        assertThat(refusal.code()).isEqualTo(ErrorCode.TOO_MANY_WAITING);
        assertThat(refusal.getMessage())
                .isEqualTo("too many calls (2) are waiting for an instance of service 'hello' in environment"
                        + " 'dev.lever' to start (--max-queued-calls); retry later");
        assertThat(queue.tooMany(ROUTE, true).getMessage())
                .isEqualTo("too many calls (2) are waiting for an instance of service 'hello' to start"
                        + " (--max-queued-calls); retry later");
    }

    @Test
    void waitersAreServedFirstComeFirstAndThoseForANewResourceAreCounted() {
        WaitQueue queue = queue(10, 60_000);
        Waiter first = queue.add(false);
        Waiter second = queue.add(true);
        Waiter third = queue.add(true);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.waitingForResources()).isEqualTo(2);
        assertThat(queue.poll()).isSameAs(first);
        assertThat(queue.remove(third)).isTrue();
        assertThat(queue.remove(third)).as("already out").isFalse();
        assertThat(queue.waitingForResources()).isEqualTo(1);
        assertThat(queue.removeAll()).containsExactly(second);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aWaiterThatIsNotAnsweredTimesOut() {
        WaitQueue queue = queue(10, 50);
        Waiter waiter = queue.add(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> timedOut.contains(waiter));
        assertThat(waiter.future().isComplete())
                .as("the pool answers it, if it still waits")
                .isFalse();
    }

    @Test
    void anAnsweredWaiterGetsItsLeaseAndItsTimerStops() {
        WaitQueue queue = queue(10, 200);
        Waiter served = queue.add(false);
        Waiter refused = queue.add(true);
        Waiter forgotten = queue.add(false);
        Lease lease = lease();
        queue.poll().serve(lease);
        CallException noRoom = new CallException(ErrorCode.NO_INSTANCE, "no room");
        queue.poll().refuse(noRoom);
        assertThat(queue.answer(served)).isTrue();
        assertThat(queue.answer(refused)).isTrue();
        assertThat(served.future().result()).isSameAs(lease);
        assertThat(refused.future().cause()).isSameAs(noRoom);
        await("only the waiter nobody answered times out")
                .atMost(Duration.ofSeconds(5))
                .until(() -> timedOut.contains(forgotten));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> timedOut.size() == 1);
    }

    @Test
    void aWaiterIsAnsweredOnceAndAFailedOneReturnsTheLeaseItWasServed() {
        WaitQueue queue = queue(10, 60_000);
        Waiter waiter = queue.add(false);
        CallException cause = new CallException(ErrorCode.NO_INSTANCE, "exited with code 3");
        queue.fail(waiter, cause);
        waiter.serve(lease());
        assertThat(queue.answer(waiter))
                .as("the lease is the caller's to give back")
                .isFalse();
        assertThat(waiter.future().cause()).isSameAs(cause);
    }
}
