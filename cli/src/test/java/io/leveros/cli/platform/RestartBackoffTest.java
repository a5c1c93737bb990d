package io.leveros.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    @Test
    void doublesWhileTheComponentKeepsExitingAndStartsOverAfterAHealthyRun() {
        RestartBackoff backoff = new RestartBackoff();
        Duration quick = Duration.ofSeconds(2);
        assertWithinJitter(backoff.after(quick), 1);
        assertWithinJitter(backoff.after(quick), 2);
        assertWithinJitter(backoff.after(quick), 4);
        assertWithinJitter(backoff.after(quick), 8);
        assertWithinJitter(backoff.after(quick), 16);
        assertWithinJitter(backoff.after(quick), 30);
        assertWithinJitter(backoff.after(quick), 30);
        assertWithinJitter(backoff.after(Duration.ofMinutes(5)), 1);
        assertThat(backoff.restarts()).isEqualTo(8);
    }

    private static void assertWithinJitter(Duration delay, long seconds) {
        assertThat(delay.toMillis()).isBetween(seconds * 750, seconds * 1000);
    }
}
