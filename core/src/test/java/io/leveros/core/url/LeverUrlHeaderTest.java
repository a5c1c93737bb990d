package io.leveros.core.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LeverUrlHeaderTest {
    @Test
    void anAsciiResourceIsSentAsItIs() {
        LeverUrl url = new LeverUrl("dev.lever", "svc", "a/b/c", "m");
        assertThat(LeverUrlHeader.format(url)).isEqualTo("lever://dev.lever/svc/a/b/c/m");
        assertThat(LeverUrlHeader.format(new LeverUrl("dev.lever", "svc", "", "m")))
                .isEqualTo("lever://dev.lever/svc//m");
    }

    @Test
    void unicodeSpacesAndPercentAreEscapedAndComeBackIntact() {
        String resource = "héllo wörld/日本/100%/😀";
        LeverUrl url = new LeverUrl("dev.lever", "svc", resource, "whoHolds");
        String header = LeverUrlHeader.format(url);
        assertThat(header).matches("[!-~]+").contains("%25").doesNotContain(" ");
        assertThat(LeverUrlHeader.parse(header)).isEqualTo(url);
    }

    @Test
    void aLongResourceRoundTrips() {
        String resource = "x/".repeat(300) + "é".repeat(300);
        LeverUrl url = new LeverUrl("dev.lever", "svc", resource, "m");
        assertThat(LeverUrlHeader.parse(LeverUrlHeader.format(url)).resource()).isEqualTo(resource);
    }

    @Test
    void aBadEscapeIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> LeverUrlHeader.parse("lever://dev.lever/svc/50%zz/m"))
                .isInstanceOf(InvalidLeverUrlException.class)
                .hasMessageContaining("'%' at position 2 not followed by two hex digits");
        assertThatThrownBy(() -> LeverUrlHeader.parse("lever://dev.lever/svc/%FF/m"))
                .isInstanceOf(InvalidLeverUrlException.class)
                .hasMessageContaining("not UTF-8");
    }

    /** Twice as many URLs as the tables of recent results have slots, so slots are shared and replaced. */
    @Test
    void recentResultsNeverAnswerForAnotherUrl() {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 512; i++) {
                LeverUrl url = new LeverUrl("dev.lever", "svc" + i % 7, i % 3 == 0 ? "" : "room " + i, "m" + i);
                String header = LeverUrlHeader.format(url);
                assertThat(header)
                        .isEqualTo(i % 3 == 0 ? url.toString() : url.toString().replace(" ", "%20"));
                assertThat(LeverUrlHeader.parse(header)).isEqualTo(url);
            }
        }
    }

    @Test
    void aRefusedHeaderIsRefusedEveryTime() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> LeverUrlHeader.parse("lever://dev.lever/svc/50%zz/m"))
                    .isInstanceOf(InvalidLeverUrlException.class);
        }
    }
}
