package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parts of HTTP and WebSocket stream replies that must fit their carriers. */
class StreamRepliesTest {
    @Test
    void trailerValuesAreAsciiJson() {
        assertThat(HttpStream.asciiOnly("\"caf\u00e9 \u2603\"")).isEqualTo("\"caf\\u00e9 \\u2603\"");
        assertThat(HttpStream.asciiOnly("{\"plain\":1}")).isEqualTo("{\"plain\":1}");
    }

    @Test
    void closeReasonsFitA125ByteControlFrame() {
        assertThat(WebSocketStream.reason("short")).isEqualTo("short");
        String long1 = "\u00e9".repeat(100); // 200 bytes of UTF-8
        String cut = WebSocketStream.reason(long1);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(cut).endsWith("...").startsWith("\u00e9\u00e9");
        assertThat(cut).doesNotContain("\ufffd");
    }
}
