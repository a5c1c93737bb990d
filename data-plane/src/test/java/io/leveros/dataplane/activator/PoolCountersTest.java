package io.leveros.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.core.stats.LatencyBuckets;
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
        counters.callEnded(SECOND, SECOND + 3_000_000, false, false);
        counters.callEnded(0, 60 * SECOND, true, true);
        assertThat(counters.inFlight()).isZero();
        assertThat(counters.openStreams()).isZero();
        assertThat(counters.completedCalls()).isEqualTo(1);
        assertThat(counters.latencySumMicros())
                .as("the call's 3 ms, not the stream's minute")
                .isEqualTo(3_000);
        assertThat(counters.failedCalls())
                .as("a stream's outcome does not count")
                .isZero();
        long[] expected = new long[LatencyBuckets.COUNT];
        expected[LatencyBuckets.indexOf(3_000)] = 1;
        assertThat(counters.latencyBucketCounts()).as("nor its latency").containsExactly(expected);
    }

    @Test
    void callsCountTheirFailuresAndTheirLatencyBuckets() {
        PoolCounters counters = new PoolCounters(0);
        long[] latenciesMicros = {50, 150, 150, 2_500, 90_000_000};
        for (int i = 0; i < latenciesMicros.length; i++) {
            counters.callStarted();
            counters.callEnded(SECOND, SECOND + latenciesMicros[i] * 1_000, false, i % 2 == 1);
        }
        assertThat(counters.completedCalls()).isEqualTo(5);
        assertThat(counters.failedCalls()).isEqualTo(2);
        long[] expected = new long[LatencyBuckets.COUNT];
        expected[0] = 1; // <= 100 µs
        expected[1] = 2; // (100, 200] µs
        expected[LatencyBuckets.indexOf(3_000)] = 1; // (2, 3] ms
        expected[LatencyBuckets.OVERFLOW] = 1; // over 60 s
        assertThat(counters.latencyBucketCounts()).containsExactly(expected);

        counters.latencyBucketCounts()[0] = 99;
        assertThat(counters.latencyBucketCounts()[0]).as("a copy").isEqualTo(1);
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
