package io.leveros.runtime.binding;

import static io.leveros.runtime.binding.Calls.rejected;
import static io.leveros.runtime.binding.Calls.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.leveros.proto.core.RPCReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgumentBindingTest {
    @Test
    void string() {
        assertThat(result("sayHello", "[\"world\"]")).isEqualTo("\"Hello, world!\"");
    }

    @Test
    void primitives() {
        assertThat(result("add", "[2, 40]")).isEqualTo("42");
        assertThat(result("big", "[4000000000]")).isEqualTo("4000000001");
        assertThat(result("half", "[3]")).isEqualTo("1.5");
        assertThat(result("negate", "[true]")).isEqualTo("false");
        assertThat(result("floaty", "[1.25]")).isEqualTo("2.5");
    }

    @Test
    void wholeNumberWrittenWithFractionBindsToInt() {
        assertThat(result("add", "[2.0, 3]")).isEqualTo("5");
    }

    @Test
    void boxedAcceptsNull() {
        assertThat(result("boxed", "[null]")).isEqualTo("null");
        assertThat(result("boxed", "[7]")).isEqualTo("7");
    }

    @Test
    void nullForReferenceTypes() {
        assertThat(result("describeNull", "[null]")).isEqualTo("\"null\"");
        assertThat(result("describeNull", "[\"x\"]")).isEqualTo("\"not null\"");
    }

    @Test
    void nullForPrimitiveIsRefused() {
        CallRejectedException e = rejected("add", "[null, 1]");
        assertThat(e.reason()).isEqualTo(CallRejectedException.Reason.INVALID_ARGUMENTS);
        assertThat(e.getMessage())
                .isEqualTo("method 'add': argument 1 ('a') must be int, got null: a primitive cannot be null;"
                        + " declare Integer to accept null");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"a string\"",
                "42",
                "-1.5",
                "true",
                "false",
                "null",
                "[1,\"two\",null,[3]]",
                "{\"a\":1,\"b\":{\"c\":[true]}}",
                "{}",
                "[]"
            })
    void objectTakesAnyJsonValue(String value) {
        assertThat(result("echo", "[" + value + "]")).isEqualTo(value);
    }

    @Test
    void wholeNumbersInsideObjectAreIntegersWhenTheyFit() {
        assertThat(result("echoType", "[{\"small\": 1, \"big\": 4000000000, \"real\": 1.5}]"))
                .isEqualTo("\"{small=Integer, big=Long, real=Double}\"");
    }

    @Test
    void genericCollections() {
        assertThat(result("sum", "[[1, 2, 3]]")).isEqualTo("6");
        assertThat(result("lengths", "[[\"abc\"]]")).isEqualTo("{\"abc\":3}");
    }

    @Test
    void recordsAndPojos() {
        assertThat(result("move", "[{\"x\": 1, \"y\": 2}, 10, 20]")).isEqualTo("{\"x\":11,\"y\":22}");
        assertThat(result("older", "[{\"name\": \"Ada\", \"age\": 36}]")).isEqualTo("{\"name\":\"Ada\",\"age\":37}");
    }

    @Test
    void optionalAndJavaTime() {
        assertThat(result("optional", "[null]")).isEqualTo("\"empty\"");
        assertThat(result("optional", "[\"x\"]")).isEqualTo("\"x\"");
        assertThat(result("tomorrow", "[\"2024-02-28\"]")).isEqualTo("\"2024-02-29\"");
    }

    @Test
    void varargsTakeTheTrailingArguments() {
        assertThat(result("join", "[\"-\", \"a\", \"b\", \"c\"]")).isEqualTo("\"a-b-c\"");
        assertThat(result("join", "[\"-\"]")).isEqualTo("\"\"");
    }

    @Test
    void noArguments() {
        assertThat(result("doNothing", "[]")).isEqualTo("null");
    }

    @Test
    void inheritedMethod() {
        assertThat(result("inherited", "[]")).isEqualTo("\"from the superclass\"");
    }

    @Test
    void byteArguments() {
        RPCReply reply = Calls.callWithBytes("reverseBytes", new byte[] {1, 2, 3});
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.BYTE_RESULT);
        assertThat(reply.getByteResult().toByteArray()).containsExactly(3, 2, 1);
    }

    @Test
    void byteArgumentToObjectParameter() {
        RPCReply reply = Calls.callWithBytes("echo", new byte[] {7});
        assertThat(reply.getByteResult().toByteArray()).containsExactly(7);
    }

    @Test
    void byteArgumentsToAMethodThatTakesJsonAreRefused() {
        CallRejectedException e = catchThrowableOfType(
                CallRejectedException.class, () -> Calls.callWithBytes("sayHello", new byte[] {1}));
        assertThat(e.reason()).isEqualTo(CallRejectedException.Reason.INVALID_ARGUMENTS);
        assertThat(e.getMessage())
                .startsWith("method 'sayHello' takes (String name), but the call sent a byte argument");
    }

    @Test
    void base64StringBindsToByteArray() {
        RPCReply reply = Calls.call("reverseBytes", "[\"AQID\"]");
        assertThat(reply.getByteResult().toByteArray()).containsExactly(3, 2, 1);
    }

    @Test
    void wrongArgumentCount() {
        assertThat(rejected("add", "[1]").getMessage())
                .isEqualTo("method 'add' takes 2 arguments (int a, int b), got 1");
        assertThat(rejected("sayHello", "[]").getMessage())
                .isEqualTo("method 'sayHello' takes 1 argument (String name), got 0");
        assertThat(rejected("join", "[]").getMessage())
                .isEqualTo("method 'join' takes at least 1 arguments (String separator, String[] parts), got 0");
    }

    @Test
    void wrongScalarTypes() {
        assertThat(rejected("add", "[\"1\", 2]").getMessage())
                .isEqualTo("method 'add': argument 1 ('a') must be int, got a string (\"1\")");
        assertThat(rejected("add", "[1.5, 2]").getMessage())
                .isEqualTo("method 'add': argument 1 ('a') must be int, got a number (1.5): not a whole number");
        assertThat(rejected("add", "[1, 3000000000]").getMessage())
                .startsWith("method 'add': argument 2 ('b') must be int, got a number (3000000000): out of range");
        assertThat(rejected("sayHello", "[42]").getMessage())
                .isEqualTo("method 'sayHello': argument 1 ('name') must be String, got a number (42)");
        assertThat(rejected("negate", "[\"true\"]").getMessage())
                .isEqualTo("method 'negate': argument 1 ('b') must be boolean, got a string (\"true\")");
    }

    @Test
    void wrongStructuredTypes() {
        assertThat(rejected("sum", "[[1, \"x\"]]").getMessage())
                .startsWith("method 'sum': argument 1 ('xs') must be List<Integer>, got an array ([1,\"x\"]): at [1]:");
        assertThat(rejected("move", "[{\"x\": 1, \"y\": 2, \"z\": 3}, 0, 0]").getMessage())
                .startsWith("method 'move': argument 1 ('p') must be Point, got an object ({\"x\":1,\"y\":2,\"z\":3}):"
                        + " at .z:")
                .contains("Unrecognized field \"z\"");
        assertThat(rejected("move", "[{\"x\": 1}, 0, 0]").getMessage())
                .startsWith("method 'move': argument 1 ('p') must be Point, got an object ({\"x\":1}): at .y:");
        assertThat(rejected("floaty", "[\"x\"]").getMessage())
                .startsWith("method 'floaty': argument 1 ('value') must be float, got a string (\"x\")");
    }

    @Test
    void longValuesArePreviewedShortly() {
        String longText = "x".repeat(200);
        assertThat(rejected("add", "[\"" + longText + "\", 1]").getMessage())
                .hasSizeLessThan(150)
                .contains("...");
    }
}
