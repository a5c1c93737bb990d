package io.leveros.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolCountersTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void busyTimeIsTheIntegralOfTheCallsInFlightAndTheQueuedLoad() {
        PoolCounters counters = new PoolCounters(0);
        counters.accrue(SECOND, 0);
        assertThat(counters.busyMicros()).as("nothing in flight").isZero();
        counters.callStarted();
        counters.callStarted();
        counters.accrue(2 * SECOND, 0);
        assertThat(counters.busyMicros()).as("two calls for a second").isEqualTo(2_000_000);
        counters.accrue(2 * SECOND + SECOND / 2, 3);
        assertThat(counters.busyMicros())
                .as("then two calls and a queued load of 3 for half a second")
                .isEqualTo(4_500_000);
    }

    @Test
    void callsCountTheirLatencyAndStreamsDoNot() {
        PoolCounters counters = new PoolCounters(0);
        counters.callStarted();
        counters.callStarted();
        counters.streamOpened();
        assertThat(counters.inFlight()).isEqualTo(2);
        assertThat(counters.openStreams()).isEqualTo(1);
        counters.callEnded(SECOND, SECOND + 3_000_000, false);
        counters.callEnded(0, 60 * SECOND, true);
        assertThat(counters.inFlight()).isZero();
        assertThat(counters.openStreams()).isZero();
        assertThat(counters.completedCalls()).isEqualTo(1);
        assertThat(counters.latencySumMicros())
                .as("the call's 3 ms, not the stream's minute")
                .isEqualTo(3_000);
    }

    @Test
    void whileNoInstanceIsReadyWaitingCallsCountAsAtMostOneInstancesWorth() {
        assertThat(PoolCounters.queuedLoad(25, false, 10)).isEqualTo(10);
        assertThat(PoolCounters.queuedLoad(25, false, 2.5)).as("rounded up").isEqualTo(3);
        assertThat(PoolCounters.queuedLoad(4, false, 10)).isEqualTo(4);
        assertThat(PoolCounters.queuedLoad(25, true, 10))
                .as("an instance is ready: all count")
                .isEqualTo(25);
    }
}
