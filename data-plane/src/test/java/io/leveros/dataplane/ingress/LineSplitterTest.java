package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    @Test
    void linesSpanChunksAndCrLfAndBlankLinesAreHandled() {
        LineSplitter splitter = new LineSplitter(100, line -> lines.add(line.toString()));
        assertThat(splitter.feed(Buffer.buffer("\"a\"\n\"b"))).isNull();
        assertThat(splitter.feed(Buffer.buffer("c\"\r\n\n  \n[1]"))).isNull();
        splitter.finish();
        assertThat(lines).containsExactly("\"a\"", "\"bc\"", "[1]");
    }

    @Test
    void stopsAfterALineAndHandsBackTheRestOfTheChunk() {
        LineSplitter splitter = new LineSplitter(100, line -> {
            lines.add(line.toString());
            return false;
        });
        Buffer rest = splitter.feed(Buffer.buffer("[\"args\"]\nraw \n bytes"));
        assertThat(lines).containsExactly("[\"args\"]");
        assertThat(rest).hasToString("raw \n bytes");
        assertThat(splitter.feed(Buffer.buffer("[]\n"))).isNull();
    }

    @Test
    void aLineOverTheLimitIsRefusedWithoutHoldingIt() {
        LineSplitter splitter = new LineSplitter(8, line -> lines.add(line.toString()));
        splitter.feed(Buffer.buffer("12345"));
        assertThatThrownBy(() -> splitter.feed(Buffer.buffer("6789")))
                .isInstanceOf(CallException.class)
                .satisfies(e -> assertThat(((CallException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
                .hasMessageContaining("longer than 8 bytes");
        assertThat(lines).isEmpty();
    }
}
