package io.leveros.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import org.junit.jupiter.api.Test;

class LogControllerTest {

    @Test
    void sinceIsATimeAgoOrAnInstantOrNothing() {
        long now = System.currentTimeMillis();
        assertThat(LogController.sinceMillis("10m")).isBetween(now - 600_000 - 1_000, now - 600_000 + 1_000);
        assertThat(LogController.sinceMillis("2H")).isBetween(now - 7_200_000 - 1_000, now - 7_200_000 + 1_000);
        assertThat(LogController.sinceMillis("2026-12-03T10:00:00Z")).isEqualTo(1_796_292_000_000L);
        assertThat(LogController.sinceMillis(null)).isZero();
        assertThat(LogController.sinceMillis("")).isZero();
    }

    @Test
    void anyOtherSinceIsRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> LogController.sinceMillis("yesterday"))
                .isInstanceOf(ControlPlaneException.class)
                .hasMessage("since must be a time ago (90s, 10m, 2h, 1d) or an ISO-8601 instant"
                        + " (2026-12-03T10:00:00Z), not 'yesterday'");
        assertThatThrownBy(() -> LogController.sinceMillis("-5m")).isInstanceOf(ControlPlaneException.class);
    }
}
