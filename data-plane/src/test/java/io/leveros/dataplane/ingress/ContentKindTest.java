package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.proto.core.RPC;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ContentKindTest {
    @Test
    void contentTypeIsReadUpToTheSemicolon() {
        assertThat(ContentKind.of("application/json")).isEqualTo(ContentKind.JSON);
        assertThat(ContentKind.of("application/json; charset=utf-8")).isEqualTo(ContentKind.JSON);
        assertThat(ContentKind.of("Application/JSON")).isEqualTo(ContentKind.JSON);
        assertThat(ContentKind.of("application/jsonx")).isEqualTo(ContentKind.BYTES);
        assertThat(ContentKind.of("text/plain")).isEqualTo(ContentKind.BYTES);
        assertThat(ContentKind.of(null)).isEqualTo(ContentKind.BYTES);
    }

    @Test
    void formBodiesAreRefused() {
        assertThatThrownBy(() -> ContentKind.of("application/x-www-form-urlencoded; charset=utf-8"))
                .isInstanceOfSatisfying(
                        CallException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT_TYPE));
    }

    @Test
    void jsonBodiesBecomeArgs() throws Exception {
        RPC rpc = RPC.parseFrom(
                ContentKind.JSON.toRpc(Buffer.buffer("[\"world\", 1]")).getBytes());
        assertThat(rpc.getArgs().getElementList()).containsExactly(JsonValues.of("world"), JsonValues.of(1));
    }

    @Test
    void otherBodiesBecomeOneByteArg() throws Exception {
        RPC rpc = RPC.parseFrom(ContentKind.BYTES.toRpc(Buffer.buffer("raw")).getBytes());
        assertThat(rpc.getByteArgs().toStringUtf8()).isEqualTo("raw");
    }

    @Test
    void aJsonBodyThatIsNotAnArrayIs400WithTheParsersMessage() {
        assertThatThrownBy(() -> ContentKind.JSON.toRpc(Buffer.buffer("{\"a\":1}")))
                .isInstanceOfSatisfying(CallException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
                    assertThat(e.getMessage()).contains("expected a JSON array");
                });
        assertThatThrownBy(() -> ContentKind.JSON.toRpc(Buffer.buffer("[1,")))
                .isInstanceOfSatisfying(
                        CallException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }
}
