package io.leveros.controlplane.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EwmaTest {
    @Test
    void aSteadySeriesHasItsValueAsMeanAndUpperBound() {
        Ewma ewma = new Ewma(0.2);
        for (int i = 0; i < 100; i++) {
            ewma.add(40);
        }
        assertThat(ewma.mean()).isEqualTo(40.0);
        assertThat(ewma.upper()).isEqualTo(40.0);
    }

    @Test
    void noiseWidensTheUpperBoundAboveTheMean() {
        Ewma ewma = new Ewma(0.2);
        for (int i = 0; i < 100; i++) {
            ewma.add(i % 2 == 0 ? 30 : 50);
        }
        assertThat(ewma.mean()).isBetween(38.0, 42.0);
        assertThat(ewma.upper()).isGreaterThan(45.0).isLessThanOrEqualTo(50.0);
    }

    @Test
    void aDropInTheSeriesNeverRaisesTheUpperBoundAboveTheRecentSamples() {
        Ewma ewma = new Ewma(0.2);
        for (int i = 0; i < 100; i++) {
            ewma.add(40);
        }
        for (int i = 0; i < Ewma.RECENT; i++) {
            ewma.add(8);
            assertThat(ewma.upper()).isLessThanOrEqualTo(40.0);
        }
        assertThat(ewma.upper())
                .as("once only low samples are recent: the mean")
                .isEqualTo(ewma.mean());
    }

    @Test
    void alphaMustBeAWeight() {
        assertThatThrownBy(() -> new Ewma(0)).hasMessageContaining("alpha: 0.0 (expected: 0 < alpha <= 1)");
        assertThat(Ewma.alphaForHalfLife(1)).isEqualTo(0.5);
    }
}
