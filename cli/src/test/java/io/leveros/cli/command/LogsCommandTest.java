package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class LogsCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String print(String line, boolean json) {
        LogsCommand.print(
                line,
                json,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String local(long millis) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(millis));
    }

    @Test
    void aLineShowsItsTimeVersionInstanceAndTextWithStderrMarked() {
        print(
                "{\"time\":1796292000123,\"node\":\"local\",\"env\":\"dev.lever\",\"service\":\"s\",\"version\":3,"
                        + "\"instance\":\"abc\",\"stream\":\"stdout\",\"text\":\"hello\"}",
                false);
        print(
                "{\"time\":1796292000124,\"node\":\"local\",\"env\":\"dev.lever\",\"service\":\"s\",\"version\":3,"
                        + "\"instance\":\"abc\",\"stream\":\"stderr\",\"text\":\"oops\"}",
                false);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo(local(1796292000123L) + " v3 abc hello\n" + local(1796292000124L) + " v3 abc err oops\n");
    }

    @Test
    void printingALineAnswersItsTimeSoAFollowerCanResumeAfterIt() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(LogsCommand.print("{\"time\":42,\"text\":\"t\"}", false, sink, sink))
                .isEqualTo(42);
        assertThat(LogsCommand.print("{\"time\":7,\"error\":\"e\"}", true, sink, sink))
                .isEqualTo(7);
        assertThat(LogsCommand.print("not json", false, sink, sink)).isZero();
    }

    @Test
    void jsonPrintsTheLineAsItCame() {
        String line =
                "{\"time\":1,\"node\":\"n\",\"version\":1,\"instance\":\"i\",\"stream\":\"stdout\",\"text\":\"t\"}";
        assertThat(print(line, true)).isEqualTo(line + "\n");
    }

    @Test
    void aNodeThatDidNotAnswerIsSaidOnStderr() {
        print(
                "{\"time\":1,\"node\":\"n2\",\"error\":\"node n2 did not answer (timeout); its lines are missing\"}",
                false);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("lever logs: node n2 did not answer (timeout); its lines are missing\n");
    }
}
