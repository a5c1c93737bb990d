package io.leveros.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    @Test
    void aCallCountsInTheFirstBucketWhoseBoundHoldsIt() {
        assertThat(LatencyBuckets.indexOf(0)).isZero();
        assertThat(LatencyBuckets.indexOf(100)).as("bounds are inclusive").isZero();
        assertThat(LatencyBuckets.indexOf(101)).isEqualTo(1);
        assertThat(LatencyBuckets.upperBoundMicros(LatencyBuckets.indexOf(1_500)))
                .isEqualTo(2_000);
        assertThat(LatencyBuckets.indexOf(60_000_000)).isEqualTo(LatencyBuckets.OVERFLOW - 1);
        assertThat(LatencyBuckets.indexOf(60_000_001)).isEqualTo(LatencyBuckets.OVERFLOW);
        assertThat(LatencyBuckets.COUNT).isEqualTo(25);
    }

    @Test
    void theBoundsRiseFrom100MicrosecondsTo60SecondsAtMostDoublingEachStep() {
        assertThat(LatencyBuckets.upperBoundMicros(0)).isEqualTo(100);
        for (int i = 1; i < LatencyBuckets.OVERFLOW; i++) {
            assertThat(LatencyBuckets.upperBoundMicros(i))
                    .isGreaterThan(LatencyBuckets.upperBoundMicros(i - 1))
                    .isLessThanOrEqualTo(2 * LatencyBuckets.upperBoundMicros(i - 1));
        }
        assertThat(LatencyBuckets.upperBoundMicros(LatencyBuckets.OVERFLOW)).isEqualTo(60_000_000);
    }

    @Test
    void aPercentileIsInterpolatedWithinTheBucketThatReachesIt() {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[LatencyBuckets.indexOf(1_500)] = 90; // (1 ms, 2 ms]
        counts[LatencyBuckets.indexOf(400_000)] = 10; // (300 ms, 500 ms]
        assertThat(LatencyBuckets.quantileSeconds(counts, 0.5))
                .as("the 50th of 90 calls in (1, 2] ms")
                .isCloseTo(0.001 + 50.0 / 90 * 0.001, within(1e-12));
        assertThat(LatencyBuckets.quantileSeconds(counts, 0.99))
                .as("the 9th of 10 calls in (300, 500] ms")
                .isCloseTo(0.3 + 0.9 * 0.2, within(1e-12));
        assertThat(LatencyBuckets.quantileSeconds(counts, 0.9))
                .as("exactly the 90th call: the bound of its bucket")
                .isCloseTo(0.002, within(1e-12));
    }

    @Test
    void theFirstBucketStartsAtZeroAndTheOverflowGivesTheLastBound() {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[0] = 4;
        assertThat(LatencyBuckets.quantileSeconds(counts, 0.5)).isCloseTo(50e-6, within(1e-12));
        counts[LatencyBuckets.OVERFLOW] = 96;
        assertThat(LatencyBuckets.quantileSeconds(counts, 0.99)).isEqualTo(60.0);
    }

    @Test
    void noCallsGiveZero() {
        assertThat(LatencyBuckets.quantileSeconds(new long[LatencyBuckets.COUNT], 0.99))
                .isZero();
        assertThat(LatencyBuckets.quantileSeconds(new long[0], 0.5))
                .as("a report without buckets")
                .isZero();
    }

    @Test
    void nonsenseIsRefusedWithTheValueAndTheExpectation() {
        assertThatThrownBy(() -> LatencyBuckets.quantileSeconds(new long[0], 1.5))
                .hasMessage("quantile: 1.5 (expected: 0 to 1)");
        assertThatThrownBy(() -> LatencyBuckets.quantileSeconds(new long[26], 0.5))
                .hasMessage("bucket counts: 26 (expected: at most 25, one per bucket)");
        assertThatThrownBy(() -> LatencyBuckets.upperBoundMicros(25))
                .hasMessage("bucket index: 25 (expected: 0 to 24)");
    }
}
