package io.leveros.dataplane.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLogsTest {
    private final MutableClock clock = new MutableClock();
    private final NodeLogs logs = new NodeLogs(clock);

    private static LogFilter service(String service) {
        return new LogFilter("dev.lever", service, 0, "", 0, "");
    }

    @Test
    void linesOfSeveralInstancesAreReadMergedByTimeAndFiltered() {
        NodeLogs.InstanceLog a = logs.open(new LogSource("dev.lever", "chat", 1, "a"));
        NodeLogs.InstanceLog b = logs.open(new LogSource("dev.lever", "chat", 2, "b"));
        NodeLogs.InstanceLog other = logs.open(new LogSource("dev.lever", "other", 1, "c"));
        a.append("stdout", "a1");
        clock.advance(5);
        b.append("stderr", "b1 error");
        clock.advance(5);
        a.append("stdout", "a2");
        other.append("stdout", "not chat");

        assertThat(logs.read(service("chat"), 100)).extracting(LogLine::text).containsExactly("a1", "b1 error", "a2");
        assertThat(logs.read(service("chat"), 2)).extracting(LogLine::text).containsExactly("b1 error", "a2");
        assertThat(logs.read(new LogFilter("dev.lever", "chat", 2, "", 0, ""), 100))
                .extracting(LogLine::text)
                .containsExactly("b1 error");
        assertThat(logs.read(new LogFilter("dev.lever", "chat", 0, "a", 0, ""), 100))
                .extracting(LogLine::text)
                .containsExactly("a1", "a2");
        assertThat(logs.read(new LogFilter("dev.lever", "chat", 0, "", clock.millis(), ""), 100))
                .extracting(LogLine::text)
                .containsExactly("a2");
        assertThat(logs.read(new LogFilter("dev.lever", "chat", 0, "", 0, "error"), 100))
                .extracting(LogLine::text)
                .containsExactly("b1 error");
    }

    @Test
    void aFloodingInstanceKeepsItsLastLinesWithinItsBufferAndSaysHowManyWereDropped() {
        NodeLogs.InstanceLog flood = logs.open(new LogSource("dev.lever", "flood", 1, "f"));
        String text = "x".repeat(1000);
        int written = 200_000; // 400 MB of chars as Java keeps them
        for (int i = 0; i < written; i++) {
            flood.append("stdout", text);
        }
        assertThat(logs.keptBytes()).isLessThanOrEqualTo(NodeLogs.BYTES_PER_INSTANCE);
        List<LogLine> read = logs.read(service("flood"), NodeLogs.LINES_PER_INSTANCE + 1);
        long kept = read.size() - 1;
        assertThat(read.getFirst().stream()).isEqualTo("lever");
        assertThat(read.getFirst().text())
                .isEqualTo("[" + (written - kept) + " earlier lines of this instance were dropped: the node keeps"
                        + " its last 10000 lines within 2 MiB]");
    }

    @Test
    void anExitedInstancesLinesAreKeptForAnHourThenEvicted() {
        NodeLogs.InstanceLog crashed = logs.open(new LogSource("dev.lever", "crashy", 1, "x"));
        crashed.append("stderr", "Exception in thread main");
        crashed.exited();
        clock.advance(NodeLogs.EXITED_KEPT_FOR.toMillis() - 1);
        assertThat(logs.read(service("crashy"), 10))
                .extracting(LogLine::text)
                .containsExactly("Exception in thread main");
        clock.advance(2);
        assertThat(logs.read(service("crashy"), 10)).isEmpty();
    }

    @Test
    void exitedInstancesTogetherKeepAtMostTheirShareOldestEvictedFirst() {
        String text = "y".repeat(10_000);
        int instances = (int) (NodeLogs.EXITED_BYTES / NodeLogs.BYTES_PER_INSTANCE) + 3;
        for (int i = 0; i < instances; i++) {
            NodeLogs.InstanceLog log = logs.open(new LogSource("dev.lever", "crashy", 1, "i" + i));
            for (int line = 0; line < 120; line++) { // a full 2 MiB buffer each
                log.append("stdout", text);
            }
            log.exited();
        }
        assertThat(logs.keptBytes()).isLessThanOrEqualTo(NodeLogs.EXITED_BYTES);
        assertThat(logs.read(new LogFilter("dev.lever", "crashy", 0, "i0", 0, ""), 10))
                .as("the oldest exited instance went first")
                .isEmpty();
        assertThat(logs.read(new LogFilter("dev.lever", "crashy", 0, "i" + (instances - 1), 0, ""), 10))
                .isNotEmpty();
    }

    @Test
    void aFollowerGetsTheBacklogThenEachNewMatchingLineOnce() {
        NodeLogs.InstanceLog log = logs.open(new LogSource("dev.lever", "chat", 1, "a"));
        log.append("stdout", "before");
        List<String> followed = new ArrayList<>();
        NodeLogs.Follow follow = logs.follow(service("chat"), 100, line -> followed.add(line.text()));
        log.append("stdout", "after");
        logs.open(new LogSource("dev.lever", "other", 1, "b")).append("stdout", "not chat");
        follow.close();
        log.append("stdout", "after close");

        assertThat(follow.backlog()).extracting(LogLine::text).containsExactly("before");
        assertThat(followed).containsExactly("after");
    }

    @Test
    void aLineIsOneJsonObjectWithEveryFieldEscaped() {
        LogLine line = new LogLine(42, new LogSource("dev.lever", "chat", 3, "a1"), "stderr", "say \"hi\"\n\ttab");
        assertThat(line.toJson("node-1"))
                .isEqualTo("{\"time\":42,\"node\":\"node-1\",\"env\":\"dev.lever\",\"service\":\"chat\",\"version\":3,"
                        + "\"instance\":\"a1\",\"stream\":\"stderr\",\"text\":\"say \\\"hi\\\"\\n\\ttab\"}");
    }

    private static final class MutableClock extends Clock {
        private long millis = 1_000_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
