package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.dataplane.logs.LogFilter;
import io.leveros.dataplane.logs.LogLine;
import io.leveros.dataplane.logs.LogSource;
import io.leveros.dataplane.logs.NodeLogs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
    private static final String PREFIX = "lever://dev.lever/svc v1 [i]";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final NodeLogs nodeLogs = new NodeLogs();
    private final NodeLogs.InstanceLog instanceLog = nodeLogs.open(new LogSource("dev.lever", "svc", 1, "i"));
    private final OutputCapture capture =
            new OutputCapture(PREFIX, (stream, line) -> log.add(PREFIX + " " + line), instanceLog, now::get);

    /**
     * A pipe read blocks in native code for as long as the instance writes nothing; on a virtual thread
     * it holds a carrier of the scheduler every virtual thread shares, and a node with a few quiet
     * instances had none left for anything else (a new version's code fetch never ran).
     */
    @Test
    void theStreamsAreReadOnPlatformThreads() throws Exception {
        CompletableFuture<Thread> reader = new CompletableFuture<>();
        capture.follow(
                new InputStream() {
                    @Override
                    public int read() {
                        reader.complete(Thread.currentThread());
                        return -1;
                    }
                },
                "stdout");
        capture.ended().get(5, TimeUnit.SECONDS);
        assertThat(reader.get().isVirtual()).isFalse();
        assertThat(reader.get().isDaemon())
                .as("an instance's output never keeps the data plane alive")
                .isTrue();
    }

    @Test
    void aHugeLineWithoutNewlineIsCutIntoBoundedPiecesAndDrainedToTheEnd() {
        long total = 64L * 1024 * 1024; // 64 MiB of 'x' and no newline
        capture.pump(new RepeatingStream((byte) 'x', total), capture.lines("stdout"));

        long pieces = total / OutputCapture.MAX_LINE_BYTES;
        int burst = OutputCapture.LOG_BYTES_PER_SECOND / OutputCapture.MAX_LINE_BYTES;
        assertThat(log).allSatisfy(line -> assertThat(line.length())
                .isLessThanOrEqualTo(PREFIX.length() + 1 + OutputCapture.MAX_LINE_BYTES));
        assertThat(log.size())
                .as("printed: the log's burst of bytes, and one line saying how many were not")
                .isEqualTo(burst + 1);
        assertThat(log.getLast()).contains((pieces - burst) + " lines of output not printed");
        assertThat(capture.lastLines()).hasSize(OutputCapture.KEPT_LINES).allSatisfy(line -> assertThat(line)
                .hasSizeLessThanOrEqualTo(OutputCapture.MAX_KEPT_LINE_CHARS + 1));
    }

    @Test
    void theLogTakesAFewHundredLinesASecondAndSaysHowManyItSkipped() {
        for (int i = 0; i < 1_000; i++) {
            capture.add("stdout", "line " + i);
        }
        assertThat(log).hasSize(OutputCapture.LOG_LINES_PER_SECOND);

        now.addAndGet(1_000_000_000L); // a second later the budget is full again
        capture.add("stdout", "after the burst");
        assertThat(log.subList(log.size() - 2, log.size()))
                .containsExactly(
                        PREFIX + " [800 lines of output not printed: over 200 lines or 200 KiB a second]",
                        PREFIX + " after the burst");
        assertThat(capture.lastLines()).last().isEqualTo("after the burst");
    }

    @Test
    void everyLineGoesToTheInstanceLogWithItsStreamEvenWhenThePlatformLogIsOverItsRate() {
        for (int i = 0; i < OutputCapture.LOG_LINES_PER_SECOND + 50; i++) {
            capture.add("stderr", "line " + i);
        }
        List<LogLine> kept = nodeLogs.read(new LogFilter("dev.lever", "svc", 0, "", 0, ""), 100_000);
        assertThat(kept).hasSize(OutputCapture.LOG_LINES_PER_SECOND + 50);
        assertThat(kept.getLast().stream()).isEqualTo("stderr");
        assertThat(kept.getLast().text()).isEqualTo("line " + (OutputCapture.LOG_LINES_PER_SECOND + 49));
        assertThat(log).hasSize(OutputCapture.LOG_LINES_PER_SECOND);
    }

    @Test
    void linesEndAtNewlinesWithoutTheirCarriageReturnAndTheLastOneNeedsNone() {
        capture.pump(
                new ByteArrayInputStream("one\r\ntwo\nthree".getBytes(StandardCharsets.UTF_8)),
                capture.lines("stdout"));
        assertThat(log).containsExactly(PREFIX + " one", PREFIX + " two", PREFIX + " three");
    }

    @Test
    void aServingLineOnStdoutAnnouncesTheInstanceServes() {
        capture.add("stdout", "loading hello.Hello");
        capture.add("stderr", "serving nothing yet: a warning on stderr");
        assertThat(capture.servingAnnounced()).isNotDone();

        capture.add("stdout", "serving hello.Hello (1 method: hello) on 127.0.0.1:40001 in 12 ms, warm");
        assertThat(capture.servingAnnounced()).isCompleted();
    }

    @Test
    void aFailingLogDoesNotStopTheDraining() {
        OutputCapture failing = new OutputCapture(
                PREFIX,
                (stream, line) -> {
                    throw new IllegalStateException("log is full");
                },
                instanceLog);
        RepeatingStream stream = new RepeatingStream((byte) '\n', 1_000_000);
        failing.pump(stream, failing.lines("stdout"));
        assertThat(stream.remaining).isZero();
        assertThat(failing.lastLines()).hasSize(OutputCapture.KEPT_LINES);
    }

    /** {@code length} copies of one byte, made as they are read. */
    private static final class RepeatingStream extends InputStream {
        private final byte value;
        long remaining;

        RepeatingStream(byte value, long length) {
            this.value = value;
            this.remaining = length;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            java.util.Arrays.fill(buffer, offset, offset + n, value);
            remaining -= n;
            return n;
        }
    }
}
