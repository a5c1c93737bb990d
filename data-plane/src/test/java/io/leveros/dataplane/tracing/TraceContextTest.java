package io.leveros.dataplane.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class TraceContextTest {
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidTraceparentIsReadWithItsTracestate() {
        TraceContext trace = TraceContext.of(MultiMap.caseInsensitiveMultiMap()
                .add("TraceParent", TRACEPARENT)
                .add("tracestate", "a=1"));
        assertThat(trace.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(trace.tracestate()).isEqualTo("a=1");
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.flags()).isEqualTo(1);
        assertThat(trace.withSpan("b7ad6b7169203331").traceparent())
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
    }

    @Test
    void invalidTraceparentsAreIgnoredWithTheirTracestate() {
        for (String invalid : new String[] {
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // no flags
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has four fields
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01"
        }) {
            assertThat(TraceContext.of(invalid, "a=1")).as(invalid).isEqualTo(TraceContext.NONE);
        }
        assertThat(TraceContext.of(MultiMap.caseInsensitiveMultiMap().add("tracestate", "a=1")))
                .isEqualTo(TraceContext.NONE);
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFields() {
        String later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next";
        assertThat(TraceContext.of(later, null).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aTracestateOverTheLimitIsDroppedButTheTraceKept() {
        TraceContext trace = TraceContext.of(TRACEPARENT, "a=" + "x".repeat(TraceContext.MAX_TRACESTATE_LENGTH));
        assertThat(trace.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(trace.tracestate()).isEmpty();
    }

    @Test
    void onlyAPresentContextIsSent() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        TraceContext.NONE.addTo(headers::set);
        assertThat(headers.isEmpty()).isTrue();
        TraceContext.of(TRACEPARENT, "").addTo(headers::set);
        assertThat(headers.get("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(headers.contains("tracestate")).isFalse();
    }
}
