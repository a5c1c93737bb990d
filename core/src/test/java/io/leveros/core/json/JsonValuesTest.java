package io.leveros.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValuesTest {

    @Test
    void parsesEveryJsonTypeIntoArgs() {
        JSONArray args =
                JsonValues.parseArgs(bytes("[\"s\", 1.5, 42, true, false, null, [1, [2]], {\"a\": {\"b\": 1}}]"));
        assertThat(args.getElementCount()).isEqualTo(8);
        assertThat(args.getElement(0).getJsonString()).isEqualTo("s");
        assertThat(args.getElement(1).getJsonNumber()).isEqualTo(1.5);
        assertThat(args.getElement(2).getJsonNumber()).isEqualTo(42);
        assertThat(args.getElement(3).getJsonBool()).isTrue();
        assertThat(args.getElement(4).hasJsonBool()).isTrue();
        assertThat(args.getElement(5).getJsonValueOneofCase())
                .isEqualTo(JSON.JsonValueOneofCase.JSONVALUEONEOF_NOT_SET);
        assertThat(args.getElement(6)
                        .getJsonArray()
                        .getElement(1)
                        .getJsonArray()
                        .getElement(0)
                        .getJsonNumber())
                .isEqualTo(2);
        assertThat(args.getElement(7).getJsonObject().getProperty(0).getName()).isEqualTo("a");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"hello\"",
                "42",
                "-7",
                "1.5",
                "true",
                "false",
                "null",
                "[]",
                "{}",
                "[1,\"two\",[3],{\"four\":4}]",
                "{\"a\":[true,null],\"b\":{\"c\":\"é\\n\"}}"
            })
    void roundTripsTextExactly(String text) {
        assertThat(JsonValues.toJsonString(JsonValues.parse(text))).isEqualTo(text);
    }

    @Test
    void writesWholeNumbersWithoutFraction() {
        assertThat(JsonValues.toJsonString(JsonValues.of(3.0))).isEqualTo("3");
        assertThat(JsonValues.toJsonString(JsonValues.of(0.25))).isEqualTo("0.25");
        assertThat(JsonValues.toJsonString(JsonValues.of(Double.NaN))).isEqualTo("null");
    }

    @Test
    void wholeNumbersStayWholeUpTo2To53() throws Exception {
        assertThat(JsonValues.toJsonString(JsonValues.of(9007199254740991d))).isEqualTo("9007199254740991");
        assertThat(JsonValues.toJsonString(JsonValues.of(1e15))).isEqualTo("1000000000000000");
        assertThat(JsonValues.toNode(JsonValues.of(2)).isInt()).isTrue();
        assertThat(JsonValues.toNode(JsonValues.of(1e12)).isLong()).isTrue();
        assertThat(JsonValues.toNode(JsonValues.of(0.5)).isDouble()).isTrue();
    }

    @Test
    void keepsObjectPropertyOrder() {
        String text = "{\"z\":1,\"a\":2,\"m\":3}";
        assertThat(JsonValues.toJsonString(JsonValues.parse(text))).isEqualTo(text);
    }

    @Test
    void convertsToAndFromJacksonTrees() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String text = "{\"name\":\"x\",\"n\":3,\"f\":2.5,\"ok\":true,\"none\":null,\"list\":[1,\"a\"]}";
        JSON value = JsonValues.fromNode(mapper.readTree(text));
        assertThat(JsonValues.toJsonString(value)).isEqualTo(text);
        assertThat(mapper.writeValueAsString(JsonValues.toNode(value))).isEqualTo(text);
    }

    @Test
    void argsMustBeAnArray() {
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes("{\"a\":1}")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("expected a JSON array of arguments, found an object");
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes("\"world\""))).hasMessageContaining("found a string");
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes(""))).hasMessageContaining("found nothing");
    }

    @Test
    void malformedTextSaysWhere() {
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes("[\"world\"")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes("[1] [2]"))).hasMessageContaining("unexpected text after");
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes("[tru]"))).hasMessageContaining("malformed JSON");
    }

    @Test
    void rejectsHostileNesting() {
        String deep = "[".repeat(JsonValues.MAX_DEPTH + 10) + "]".repeat(JsonValues.MAX_DEPTH + 10);
        assertThatThrownBy(() -> JsonValues.parseArgs(bytes(deep))).isInstanceOf(MalformedJsonException.class);
        String hostile = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> JsonValues.parse(bytes(hostile)))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessage("JSON nested more than 32 levels deep (expected: at most 32 levels of arrays and objects)");
        String atTheLimit = "[".repeat(JsonValues.MAX_DEPTH) + "]".repeat(JsonValues.MAX_DEPTH);
        assertThat(JsonValues.parseArgs(bytes(atTheLimit)).getElementCount()).isEqualTo(1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
