package io.leveros.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StartBackoffTest {
    private static final long MS = 1_000_000;
    private static final CallException BOOM = new CallException(ErrorCode.NO_INSTANCE, "exited with code 3: boom");

    /** The delay {@link StartBackoff#why} announces at {@code now}. */
    private static long announcedMs(StartBackoff backoff, long now) {
        Matcher matcher =
                Pattern.compile("the next start is tried in (\\d+) ms").matcher(backoff.why(now));
        assertThat(matcher.find()).as(backoff.why(now)).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void withoutAFailureStartsAreNotHeldOff() {
        StartBackoff backoff = new StartBackoff(3);
        assertThat(backoff.failing()).isFalse();
        assertThat(backoff.holdsOff(0)).isFalse();
        assertThat(backoff.report(0)).isEmpty();
    }

    @Test
    void theDelayDoublesWithEachFailureInARowBetweenHalfAndAllOfItsNominalValue() {
        StartBackoff backoff = new StartBackoff(100);
        long now = 0;
        for (long nominal = 1_000; nominal <= 16_000; nominal *= 2) {
            backoff.failed(BOOM, now);
            assertThat(backoff.holdsOff(now + nominal / 2 * MS - 1))
                    .as("%d ms", nominal)
                    .isTrue();
            assertThat(backoff.holdsOff(now + nominal * MS))
                    .as("%d ms", nominal)
                    .isFalse();
            assertThat(announcedMs(backoff, now)).isBetween(nominal / 2, nominal);
            now += nominal * MS;
        }
    }

    @Test
    void theDelayStopsGrowingAtThirtySeconds() {
        StartBackoff backoff = new StartBackoff(100);
        for (int i = 0; i < 20; i++) {
            backoff.failed(BOOM, 0);
        }
        assertThat(backoff.holdsOff(15_000 * MS - 1)).isTrue();
        assertThat(backoff.holdsOff(StartBackoff.MAX_RETRY_MS * MS)).isFalse();
    }

    @Test
    void afterMaxStartAttemptsNoStartIsTriedAgainAndTheMessageSaysWhy() {
        StartBackoff backoff = new StartBackoff(3);
        assertThat(backoff.failed(BOOM, 0)).isFalse();
        assertThat(backoff.failed(BOOM, 0)).isFalse();
        assertThat(backoff.failed(BOOM, 0))
                .as("the failure that gives up, once")
                .isTrue();
        assertThat(backoff.gaveUp()).isTrue();
        assertThat(backoff.holdsOff(Long.MAX_VALUE)).isTrue();
        assertThat(backoff.why(0))
                .isEqualTo("exited with code 3: boom\n(no start is tried again: it failed 3 times in a row;"
                        + " fix the service and deploy it again)");
        assertThat(backoff.report(0)).isEqualTo(backoff.why(0));
    }

    @Test
    void whileBackingOffTheMessageSaysWhenTheNextStartIsTried() {
        StartBackoff backoff = new StartBackoff(3);
        backoff.failed(BOOM, 0);
        assertThat(backoff.why(0))
                .startsWith("exited with code 3: boom\n(the next start is tried in ")
                .endsWith(" ms; fix the service and deploy it again)");
        assertThat(announcedMs(backoff, StartBackoff.FIRST_RETRY_MS * MS))
                .as("never negative")
                .isZero();
    }

    @Test
    void aStartThatSucceedsClearsTheFailuresAndTheDelay() {
        StartBackoff backoff = new StartBackoff(3);
        backoff.failed(BOOM, 0);
        backoff.failed(BOOM, 0);
        backoff.succeeded();
        assertThat(backoff.failing()).isFalse();
        assertThat(backoff.holdsOff(0)).isFalse();
        assertThat(backoff.report(0)).isEmpty();
        backoff.failed(BOOM, 0);
        backoff.failed(BOOM, 0);
        assertThat(backoff.gaveUp())
                .as("two failures in a row since the success")
                .isFalse();
        assertThat(announcedMs(backoff, 0)).as("the second delay again").isBetween(1_000L, 2_000L);
    }

    @Test
    void delaysAreSpreadSoThatPoolsDoNotRetryAtOneInstant() {
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            StartBackoff backoff = new StartBackoff(3);
            backoff.failed(BOOM, 0);
            delays.add(announcedMs(backoff, 0));
        }
        assertThat(delays).hasSizeGreaterThan(20);
    }
}
