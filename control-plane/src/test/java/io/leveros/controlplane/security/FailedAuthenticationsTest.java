package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {
    private final MutableClock clock = new MutableClock();
    private final FailedAuthentications limiter = new FailedAuthentications(3, Duration.ofSeconds(60), 2, clock);

    @Test
    void refusesAnAddressAfterTooManyFailuresUntilTheOldestLeavesTheWindow() {
        limiter.failed("10.0.0.1");
        clock.advance(Duration.ofSeconds(10));
        limiter.failed("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).isZero();
        clock.advance(Duration.ofSeconds(10));
        limiter.failed("10.0.0.1");

        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(40));
        assertThat(limiter.retryAfter("10.0.0.2")).as("other addresses").isZero();
        clock.advance(Duration.ofSeconds(39));
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.retryAfter("10.0.0.1"))
                .as("the first failure left the window")
                .isZero();

        limiter.failed("10.0.0.1"); // three within the window again: the 2nd, 3rd and this one
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowNeverBlock() {
        for (int i = 0; i < 10; i++) {
            limiter.failed("10.0.0.1");
            clock.advance(Duration.ofSeconds(30));
            assertThat(limiter.retryAfter("10.0.0.1")).isZero();
        }
    }

    @Test
    void tracksABoundedNumberOfAddressesAndForgetsExpiredOnes() {
        limiter.failed("10.0.0.1");
        limiter.failed("10.0.0.2");
        for (int i = 0; i < 3; i++) {
            limiter.failed("10.0.0.3"); // no room: not counted
        }
        assertThat(limiter.retryAfter("10.0.0.3")).isZero();

        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 3; i++) {
            limiter.failed("10.0.0.3"); // the old ones expired and make room
        }
        assertThat(limiter.retryAfter("10.0.0.3")).isPositive();
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new FailedAuthentications(0, Duration.ofSeconds(1), 1, clock))
                .hasMessage("maxFailures: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new FailedAuthentications(1, Duration.ZERO, 1, clock))
                .hasMessage("window: PT0S (expected: > 0, e.g. 60s)");
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
