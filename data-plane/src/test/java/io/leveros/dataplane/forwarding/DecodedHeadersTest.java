package io.leveros.dataplane.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodedHeadersTest {
    @Test
    void aBlockDecodesInTheOrderItCameAndEncodesBackTheSame() throws Exception {
        Http2Headers sent = new DefaultHttp2Headers()
                .status("200")
                .add("content-type", "application/grpc")
                .add("grpc-accept-encoding", "gzip")
                .add("x-many", "one")
                .add("x-many", "two");
        Http2Headers decoded = decode(sent);

        assertThat(decoded).isInstanceOf(DecodedHeaders.class);
        assertThat(entries(decoded)).isEqualTo(entries(sent));
        assertThat(decoded.status()).hasToString("200");
        assertThat(decoded.get("content-type")).hasToString("application/grpc");
        assertThat(decoded.getAll("x-many")).map(CharSequence::toString).containsExactly("one", "two");
        assertThat(decoded.getAll("absent")).isEmpty();
        assertThat(decoded.get("Content-Type")).as("HTTP/2 names are lowercase").isNull();
        assertThat(decoded.contains("x-many", "TWO", true)).isTrue();
        assertThat(decoded.contains("x-many", "TWO")).isFalse();
        assertThat(decoded.size()).isEqualTo(5);
        assertThat(decoded.names())
                .map(CharSequence::toString)
                .containsExactly(":status", "content-type", "grpc-accept-encoding", "x-many");
        assertThat(entries(decode(decoded))).as("passed on as it came").isEqualTo(entries(sent));
    }

    @Test
    void manyHeadersGrowTheArray() throws Exception {
        Http2Headers sent = new DefaultHttp2Headers();
        for (int i = 0; i < 40; i++) {
            sent.add("x-" + i, "v" + i);
        }
        Http2Headers decoded = decode(sent);
        assertThat(decoded.size()).isEqualTo(40);
        assertThat(decoded.get("x-39")).hasToString("v39");
        assertThat(entries(decoded)).isEqualTo(entries(sent));
    }

    @Test
    void setReplacesEveryValueAndRemoveKeepsTheOrderOfTheRest() {
        DecodedHeaders headers = new DecodedHeaders(1);
        headers.add("a", "1").add("content-length", "05").add("b", "2").add("content-length", "05");
        headers.setLong("content-length", 5);
        assertThat(headers.getAll("content-length")).map(CharSequence::toString).containsExactly("5");
        assertThat(headers.remove("a")).isTrue();
        assertThat(headers.remove("a")).isFalse();
        assertThat(entries(headers)).containsExactly("b: 2", "content-length: 5");
        assertThat(headers.get("a", "none")).isEqualTo("none");
    }

    @Test
    void writesItDoesNotSupportThrow() {
        assertThatThrownBy(() -> new DecodedHeaders(1).addInt("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** {@code headers} through Netty's HPACK encoder, then decoded as the data plane's calls decode them. */
    private static Http2Headers decode(Http2Headers headers) throws Exception {
        ByteBuf block = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
            return DecodedHeaders.decoder().decodeHeaders(1, block);
        } finally {
            block.release();
        }
    }

    private static List<String> entries(Http2Headers headers) {
        List<String> entries = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> entry : headers) {
            entries.add(entry.getKey() + ": " + entry.getValue());
        }
        return entries;
    }
}
