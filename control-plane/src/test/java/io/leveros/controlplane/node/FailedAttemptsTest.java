package io.leveros.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {
    private final MovingClock clock = new MovingClock();
    private final FailedAttempts failures = new FailedAttempts(3, 60_000, clock);

    @Test
    void anAddressIsBlockedAtTheLimitUntilItsOldestFailureLeavesTheWindow() {
        failures.record("10.0.0.1");
        clock.advance(Duration.ofSeconds(10));
        failures.record("10.0.0.1");
        assertThat(failures.blocked("10.0.0.1")).isFalse();
        failures.record("10.0.0.1");
        assertThat(failures.blocked("10.0.0.1")).isTrue();
        assertThat(failures.blocked("10.0.0.2")).as("other addresses").isFalse();
        clock.advance(Duration.ofSeconds(50)); // the first failure is 60 s old
        assertThat(failures.blocked("10.0.0.1")).isFalse();
        failures.record("10.0.0.1");
        assertThat(failures.blocked("10.0.0.1")).isTrue();
        clock.advance(Duration.ofSeconds(61));
        assertThat(failures.blocked("10.0.0.1")).isFalse();
    }

    private static final class MovingClock extends Clock {
        private Instant now = Instant.ofEpochSecond(1_000);

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
