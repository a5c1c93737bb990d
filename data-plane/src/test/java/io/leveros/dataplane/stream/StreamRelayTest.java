package io.leveros.dataplane.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

class StreamRelayTest {
    @Test
    void grpcMessagesArePercentEncodedAsTheSpecAsks() {
        assertThat(StreamRelay.percentEncoded("plain text: (expected) [1-2]"))
                .isEqualTo("plain text: (expected) [1-2]");
        assertThat(StreamRelay.percentEncoded("100% sure")).isEqualTo("100%25 sure");
        assertThat(StreamRelay.percentEncoded("line\nbreak")).isEqualTo("line%0Abreak");
        assertThat(StreamRelay.percentEncoded("café")).isEqualTo("caf%C3%A9");
    }

    @Test
    void encodedMessagesDecodeBackToThemselves() {
        String message = "the stream ran on v1 of «chat», 100% replaced\ttab";
        assertThat(QueryStringDecoder.decodeComponent(StreamRelay.percentEncoded(message)))
                .isEqualTo(message);
    }
}
