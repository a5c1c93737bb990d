package io.leveros.dataplane.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.call.CallException;
import io.leveros.proto.core.StreamMessage;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamMessagesTest {
    /** The hand-made framing of byte messages is exactly protobuf's, both ways, at every length. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 128, 16_383, 16_384, 65_536, 2_097_152})
    void byteMessagesAreFramedAsProtobufDoes(int length) throws Exception {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 7);
        Buffer framed = StreamMessages.byteMessage(Buffer.buffer(bytes));
        StreamMessage parsed = StreamMessage.parseFrom(framed.getBytes());
        assertThat(parsed.getByteMessage().toByteArray()).isEqualTo(bytes);

        byte[] protobuf = StreamMessage.newBuilder()
                .setByteMessage(ByteString.copyFrom(bytes))
                .build()
                .toByteArray();
        assertThat(StreamMessages.byteMessageBytes(Buffer.buffer(protobuf)).getBytes())
                .isEqualTo(bytes);
    }

    @Test
    void otherMessagesAreNotTakenForBytes() {
        Buffer json = Buffer.buffer(StreamMessage.newBuilder()
                .setMessage(JsonValues.of("x"))
                .build()
                .toByteArray());
        assertThat(StreamMessages.byteMessageBytes(json)).isNull();
        assertThat(StreamMessages.byteMessageBytes(Buffer.buffer())).isNull();
        assertThat(StreamMessages.byteMessageBytes(Buffer.buffer(new byte[] {26, 5, 1})))
                .isNull(); // truncated
    }

    @Test
    void malformedJsonIsTheClientsError() {
        assertThatThrownBy(() -> StreamMessages.jsonMessage("{nope".getBytes()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void errorsReadAsJsonText() {
        assertThat(StreamMessages.errorText(StreamMessage.newBuilder()
                        .setError(JsonValues.of("boom"))
                        .build()))
                .isEqualTo("\"boom\"");
        assertThat(StreamMessages.errorText(StreamMessage.newBuilder()
                        .setByteError(ByteString.copyFromUtf8("raw"))
                        .build()))
                .isEqualTo("\"raw\"");
    }
}
