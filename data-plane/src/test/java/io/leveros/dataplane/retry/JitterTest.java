package io.leveros.dataplane.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JitterTest {
    @Test
    void delaysStayBetweenHalfAndAllOfTheNominalAndDiffer() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            long delay = Jitter.spread(1_000);
            assertThat(delay).isBetween(500L, 1_000L);
            seen.add(delay);
        }
        assertThat(seen)
                .as("a thousand data planes do not retry at one instant")
                .hasSizeGreaterThan(100);
        assertThat(Jitter.spread(1)).isEqualTo(1);
        assertThat(Jitter.spread(0)).isZero();
    }
}
