package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.protobuf.ByteString;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final String URL = "lever://dev.lever/svc//m";
    private final WireCodec codec = new WireCodec();

    record Point(int x, int y) {}

    @Test
    void argumentsTravelAsJson() {
        RPC rpc = codec.encodeArgs(
                new Object[] {"a", 1, 2.5, true, null, List.of(1, 2), Map.of("k", "v"), new Point(1, 2)});
        assertThat(new String(JsonValues.toBytes(rpc.getArgs()), StandardCharsets.UTF_8))
                .isEqualTo("[\"a\",1,2.5,true,null,[1,2],{\"k\":\"v\"},{\"x\":1,\"y\":2}]");
    }

    @Test
    void noArguments() {
        RPC rpc = codec.encodeArgs(new Object[0]);
        assertThat(rpc.getArgsOneofCase()).isEqualTo(RPC.ArgsOneofCase.ARGS);
        assertThat(rpc.getArgs().getElementCount()).isZero();
    }

    @Test
    void nullArrayMeansOneNullArgument() {
        assertThat(codec.encodeArgs(null).getArgs().getElementCount()).isEqualTo(1);
    }

    @Test
    void javaTimeAsIsoStrings() {
        RPC rpc = codec.encodeArgs(new Object[] {LocalDate.of(2024, 2, 29)});
        assertThat(rpc.getArgs().getElement(0).getJsonString()).isEqualTo("2024-02-29");
    }

    @Test
    void aSingleByteArrayTravelsAsBytes() {
        RPC rpc = codec.encodeArgs(new Object[] {new byte[] {1, 2}});
        assertThat(rpc.getArgsOneofCase()).isEqualTo(RPC.ArgsOneofCase.BYTE_ARGS);
        assertThat(rpc.getByteArgs().toByteArray()).containsExactly(1, 2);
    }

    @Test
    void byteArrayAmongOtherArgumentsIsBase64() {
        RPC rpc = codec.encodeArgs(new Object[] {new byte[] {1, 2, 3}, "x"});
        assertThat(rpc.getArgs().getElement(0).getJsonString()).isEqualTo("AQID");
    }

    @Test
    void resultsBindToTheRequestedType() {
        assertThat((Integer) codec.decode(result("42"), codec.type(Integer.class), URL))
                .isEqualTo(42);
        assertThat((String) codec.decode(result("\"hi\""), codec.type(String.class), URL))
                .isEqualTo("hi");
        assertThat((Point) codec.decode(result("{\"x\":1,\"y\":2,\"extra\":true}"), codec.type(Point.class), URL))
                .isEqualTo(new Point(1, 2));
        List<Integer> list =
                codec.decode(result("[3,2,1]"), codec.type(new TypeReference<List<Integer>>() {}.getType()), URL);
        assertThat(list).containsExactly(3, 2, 1);
        assertThat((Object) codec.decode(result("null"), codec.type(String.class), URL))
                .isNull();
        assertThat((Object) codec.decode(result("\"ignored\""), codec.type(Void.class), URL))
                .isNull();
        Object any = codec.decode(result("{\"a\":[1,true]}"), codec.type(Object.class), URL);
        assertThat(any).isEqualTo(Map.of("a", List.of(1, true)));
        assertThat((Object) codec.decode(result("{\"big\":4000000000}"), codec.type(Map.class), URL))
                .isEqualTo(Map.of("big", 4000000000L));
    }

    @Test
    void byteResults() {
        RPCReply reply = RPCReply.newBuilder()
                .setByteResult(ByteString.copyFrom(new byte[] {9}))
                .build();
        assertThat((byte[]) codec.decode(reply, codec.type(byte[].class), URL)).containsExactly(9);
        assertThatThrownBy(() -> codec.decode(reply, codec.type(String.class), URL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(URL + " answered bytes (1 bytes), which do not fit the requested type java.lang.String"
                        + " (expected: byte[].class)");
    }

    @Test
    void resultThatDoesNotFit() {
        assertThatThrownBy(() -> codec.decode(result("\"abc\""), codec.type(Point.class), URL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the result of " + URL + " (\"abc\") does not fit the requested type");
    }

    @Test
    void jsonErrors() {
        RPCReply reply = RPCReply.newBuilder()
                .setError(JsonValues.parse("{\"code\":42,\"reason\":\"custom\"}"))
                .build();
        assertThatThrownBy(() -> codec.decode(reply, codec.type(String.class), URL))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.value().get("code").asInt()).isEqualTo(42);
                    assertThat(e.isBytes()).isFalse();
                    assertThat(e.bytes()).isNull();
                    assertThat(e.url()).isEqualTo(URL);
                    assertThat(e.getMessage()).isEqualTo(URL + " failed: {\"code\":42,\"reason\":\"custom\"}");
                });
    }

    @Test
    void stringErrorsReadPlainly() {
        RPCReply reply =
                RPCReply.newBuilder().setError(JsonValues.of("error sent: x")).build();
        assertThatThrownBy(() -> codec.decode(reply, codec.type(String.class), URL))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.valueAsText()).isEqualTo("error sent: x");
                    assertThat(e.getMessage()).isEqualTo(URL + " failed: error sent: x");
                });
    }

    @Test
    void byteErrors() {
        RPCReply reply = RPCReply.newBuilder()
                .setByteError(ByteString.copyFrom(new byte[] {1, 2, 3}))
                .build();
        assertThatThrownBy(() -> codec.decode(reply, codec.type(String.class), URL))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.isBytes()).isTrue();
                    assertThat(e.bytes()).containsExactly(1, 2, 3);
                    assertThat(e.value()).isNull();
                    assertThat(e.getMessage()).isEqualTo(URL + " failed with a byte error (3 bytes)");
                });
    }

    private static RPCReply result(String json) {
        return RPCReply.newBuilder().setResult(JsonValues.parse(json)).build();
    }
}
