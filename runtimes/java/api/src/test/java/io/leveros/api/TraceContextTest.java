package io.leveros.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.api.internal.CurrentCall;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void readsTheParts() {
        TraceContext trace =
                TraceContext.parse(TRACEPARENT, "rojo=00f067aa0ba902b7").orElseThrow();
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.flags()).isEqualTo("01");
        assertThat(trace.sampled()).isTrue();
        assertThat(trace.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(trace.tracestate()).isEqualTo("rojo=00f067aa0ba902b7");
        assertThat(TraceContext.parse(TRACEPARENT.replace("-01", "-02"))
                        .orElseThrow()
                        .sampled())
                .isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
                "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // not a version
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // later version, no - after flags
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // short flags
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // trailing
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            })
    void anInvalidTraceparentIsIgnored(String traceparent) {
        assertThat(TraceContext.parse(traceparent, "rojo=1")).isEmpty();
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFieldsAndPassedOnAsVersion00() {
        assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                        .orElseThrow()
                        .traceparent())
                .isEqualTo(TRACEPARENT);
        assertThat(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next")
                        .orElseThrow()
                        .traceparent())
                .isEqualTo(TRACEPARENT);
    }

    @Test
    void constructingAnInvalidOneSaysWhatIsExpected() {
        assertThatThrownBy(() -> new TraceContext("00-abc", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("traceparent: '00-abc' (expected: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>,"
                        + " lowercase, ids not all zeros)");
    }

    @Test
    void aTracestateThatCannotTravelIsDropped() {
        assertThat(TraceContext.parse(TRACEPARENT).orElseThrow().tracestate()).isEmpty();
        assertThat(TraceContext.parse(TRACEPARENT, "a=1\nb=2").orElseThrow().tracestate())
                .isEmpty();
        assertThat(TraceContext.parse(TRACEPARENT, "a=é").orElseThrow().tracestate())
                .isEmpty();
    }

    @Test
    void currentLastsFromEnterToExitOnThatThreadOnly() throws Exception {
        assertThat(TraceContext.current()).isEmpty();
        TraceContext trace = TraceContext.parse(TRACEPARENT).orElseThrow();
        CurrentCall.enter("", trace);
        try {
            assertThat(TraceContext.current()).contains(trace);
            TraceContext[] seen = new TraceContext[1];
            Thread other = Thread.ofVirtual().start(() -> seen[0] = CurrentCall.trace());
            other.join();
            assertThat(seen[0]).isNull();
        } finally {
            CurrentCall.exit();
        }
        assertThat(TraceContext.current()).isEmpty();
    }

    @Test
    void wrapCarriesItToAnotherThreadAndRestoresThatThread() throws Exception {
        TraceContext trace = TraceContext.parse(TRACEPARENT).orElseThrow();
        Runnable plain = () -> {};
        assertThat(TraceContext.wrap(plain)).isSameAs(plain); // nothing to carry
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            CurrentCall.enter("", trace);
            try {
                assertThat(executor.submit(TraceContext.wrap(() -> CurrentCall.trace()))
                                .get())
                        .isSameAs(trace);
                TraceContext[] seen = new TraceContext[1];
                executor.submit(TraceContext.wrap((Runnable) () -> seen[0] = CurrentCall.trace()))
                        .get();
                assertThat(seen[0]).isSameAs(trace);
            } finally {
                CurrentCall.exit();
            }
            assertThat(executor.submit(CurrentCall::trace).get()).isNull();
        }
    }
}
