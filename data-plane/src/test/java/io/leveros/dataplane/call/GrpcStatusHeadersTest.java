package io.leveros.dataplane.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

class GrpcStatusHeadersTest {
    @Test
    void grpcMessagesArePercentEncodedAsTheSpecAsks() {
        assertThat(GrpcStatusHeaders.percentEncoded("plain text: (expected) [1-2]"))
                .isEqualTo("plain text: (expected) [1-2]");
        assertThat(GrpcStatusHeaders.percentEncoded("100% sure")).isEqualTo("100%25 sure");
        assertThat(GrpcStatusHeaders.percentEncoded("line\nbreak")).isEqualTo("line%0Abreak");
        assertThat(GrpcStatusHeaders.percentEncoded("café")).isEqualTo("caf%C3%A9");
    }

    @Test
    void encodedMessagesDecodeBackToThemselves() {
        String message = "the stream ran on v1 of «chat», 100% replaced\ttab, 1+1";
        String encoded = GrpcStatusHeaders.percentEncoded(message);
        assertThat(GrpcStatusHeaders.percentDecoded(encoded)).isEqualTo(message);
        assertThat(QueryStringDecoder.decodeComponent(encoded.replace("+", "%2B")))
                .isEqualTo(message);
    }

    @Test
    void aPercentSignWithoutTwoHexDigitsIsKeptAsItIs() {
        assertThat(GrpcStatusHeaders.percentDecoded("100% sure, 50%")).isEqualTo("100% sure, 50%");
        assertThat(GrpcStatusHeaders.percentDecoded("%zz%4")).isEqualTo("%zz%4");
        assertThat(GrpcStatusHeaders.percentDecoded("caf%C3%A9 %e2%9c%93")).isEqualTo("café ✓");
    }
}
