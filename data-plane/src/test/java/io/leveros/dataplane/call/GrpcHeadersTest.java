package io.leveros.dataplane.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

class GrpcHeadersTest {
    @Test
    void grpcMessagesArePercentEncodedAsTheSpecAsks() {
        assertThat(GrpcHeaders.percentEncoded("plain text: (expected) [1-2]"))
                .isEqualTo("plain text: (expected) [1-2]");
        assertThat(GrpcHeaders.percentEncoded("100% sure")).isEqualTo("100%25 sure");
        assertThat(GrpcHeaders.percentEncoded("line\nbreak")).isEqualTo("line%0Abreak");
        assertThat(GrpcHeaders.percentEncoded("café")).isEqualTo("caf%C3%A9");
    }

    @Test
    void encodedMessagesDecodeBackToThemselves() {
        String message = "the stream ran on v1 of «chat», 100% replaced\ttab, 1+1";
        String encoded = GrpcHeaders.percentEncoded(message);
        assertThat(GrpcHeaders.percentDecoded(encoded)).isEqualTo(message);
        assertThat(QueryStringDecoder.decodeComponent(encoded.replace("+", "%2B")))
                .isEqualTo(message);
    }

    @Test
    void aPercentSignWithoutTwoHexDigitsIsKeptAsItIs() {
        assertThat(GrpcHeaders.percentDecoded("100% sure, 50%")).isEqualTo("100% sure, 50%");
        assertThat(GrpcHeaders.percentDecoded("%zz%4")).isEqualTo("%zz%4");
        assertThat(GrpcHeaders.percentDecoded("caf%C3%A9 %e2%9c%93")).isEqualTo("café ✓");
    }
}
