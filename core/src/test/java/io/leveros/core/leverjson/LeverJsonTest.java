package io.leveros.core.leverjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.core.json.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LeverJsonTest {

    @Test
    void parsesTheOriginalHelloExampleWithDefaults() {
        LeverJson json = parse(
                "{\"name\": \"helloService\", \"description\": \"A hello service.\", \"jsEntry\": \"server.js\"}");
        assertThat(json.name()).isEqualTo("helloService");
        assertThat(json.description()).isEqualTo("A hello service.");
        assertThat(json.entry()).isEqualTo(new LeverJson.JsEntry("server.js"));
        assertThat(json.isPrivate()).isFalse();
        assertThat(json.maxInstanceLoad()).isEqualTo(10);
        assertThat(json.minInstances()).isZero();
        assertThat(json.maxInstances()).isZero();
        assertThat(json.ramMb()).isEqualTo(LeverJson.DEFAULT_RAM_MB);
        assertThat(json.idleTimeout()).isNull();
        assertThat(json.scaleDownDelay()).isNull();
        assertThat(json.configJson()).isEqualTo("{}");
    }

    @Test
    void parsesEveryField() {
        LeverJson json = parse("""
                {"name": "api", "javaEntry": "com.example.Api", "private": true, "maxInstanceLoad": 4,
                 "minInstances": 1, "maxInstances": 5, "ram": 512, "idleTimeout": "30s",
                 "scaleDownDelay": "10s", "resourceIdleTimeout": "20s", "maxResourcesPerInstance": 100,
                 "upgradeStreamGrace": "90s", "config": {"greeting": "hi", "n": 1}}""");
        assertThat(json.entry()).isEqualTo(new LeverJson.JavaEntry("com.example.Api"));
        assertThat(json.isPrivate()).isTrue();
        assertThat(json.maxInstanceLoad()).isEqualTo(4);
        assertThat(json.minInstances()).isEqualTo(1);
        assertThat(json.maxInstances()).isEqualTo(5);
        assertThat(json.ramMb()).isEqualTo(512);
        assertThat(json.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(json.scaleDownDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(json.resourceIdleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(json.maxResourcesPerInstance()).isEqualTo(100);
        assertThat(json.upgradeStreamGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(json.configJson()).isEqualTo("{\"greeting\":\"hi\",\"n\":1}");
    }

    @Test
    void commandEntry() {
        assertThat(parse("{\"name\": \"svc\", \"entry\": [\"./serve\", \"--fast\"]}")
                        .entry())
                .isEqualTo(new LeverJson.CommandEntry(List.of("./serve", "--fast")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"300 | PT5M", "1.5 | PT1.5S", "'\"250ms\"' | PT0.25S", "'\"5m\"' | PT5M", "'\"1h\"' | PT1H"})
    void idleTimeoutAcceptsSecondsOrText(String value, String expected) {
        assertThat(parse("{\"name\": \"svc\", \"javaEntry\": \"a.B\", \"idleTimeout\": " + value + "}")
                        .idleTimeout())
                .isEqualTo(Duration.parse(expected));
    }

    static Stream<Arguments> invalidFiles() {
        return Stream.of(
                Arguments.of("{}", "missing the required field 'name'"),
                Arguments.of("[]", "must be a JSON object"),
                Arguments.of("{\"name\": \"svc\"}", "exactly one entry point"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"javaEntry\": \"a.B\"}",
                        "found jsEntry and javaEntry"),
                Arguments.of("{\"name\": \"a/b\", \"jsEntry\": \"a.js\"}", "invalid service name 'a/b'"),
                Arguments.of("{\"name\": \"ab\", \"jsEntry\": \"a.js\"}", "invalid service name 'ab'"),
                Arguments.of("{\"name\": \"has space\", \"jsEntry\": \"a.js\"}", "invalid service name"),
                Arguments.of("{\"name\": \"_svc\", \"jsEntry\": \"a.js\"}", "invalid service name"),
                Arguments.of(
                        "{\"name\": 5, \"jsEntry\": \"a.js\"}", "'name' must be a non-empty string (found number 5)"),
                Arguments.of("{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"colour\": 1}", "unknown field 'colour'"),
                Arguments.of("{\"name\": \"svc\", \"entry\": []}", "'entry' must be a non-empty array"),
                Arguments.of("{\"name\": \"svc\", \"entry\": [1]}", "'entry' must hold strings"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"../x.js\"}", "must be a path inside the service folder"),
                Arguments.of("{\"name\": \"svc\", \"javaEntry\": \"not a class\"}", "fully qualified class name"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"private\": \"yes\"}",
                        "'private' must be true or false"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"minInstances\": -1}",
                        "'minInstances' must be a whole number from 0"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"minInstances\": 1.5}",
                        "'minInstances' must be a whole number"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"minInstances\": 3, \"maxInstances\": 2}",
                        "maxInstances (2) is lower than minInstances (3)"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"ram\": 8}",
                        "'ram' must be a whole number from 32"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"maxInstanceLoad\": -1}",
                        "'maxInstanceLoad' must be a number > 0"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"idleTimeout\": \"soon\"}",
                        "'idleTimeout' must be a duration"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"idleTimeout\": 0}",
                        "'idleTimeout' must be a duration"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"scaleDownDelay\": \"later\"}",
                        "'scaleDownDelay' must be a duration"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"resourceIdleTimeout\": \"idle\"}",
                        "'resourceIdleTimeout' must be a duration"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"maxResourcesPerInstance\": 0}",
                        "'maxResourcesPerInstance' must be a whole number from 1"),
                Arguments.of(
                        "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"config\": [1]}", "'config' must be an object"),
                Arguments.of("{\"name\": \"svc\",", "not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("invalidFiles")
    void rejectsInvalidFilesWithAClearReason(String text, String reason) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(InvalidLeverJsonException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void refusesConfigNestedDeeperThanTheLimit() {
        String deep = "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"config\": " + "{\"a\": ".repeat(100_000) + "1"
                + "}".repeat(100_000) + "}";
        assertThatThrownBy(() -> parse(deep))
                .isInstanceOf(InvalidLeverJsonException.class)
                .hasMessage("lever.json nests arrays and objects more than 32 levels deep (expected: at most 32 "
                        + "levels; flatten 'config')");
    }

    @Test
    void acceptsConfigNestedUpToTheLimit() {
        int levels = JsonValues.MAX_DEPTH - 2; // the file's object and 'config' are levels too
        String deep = "{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"config\": {\"x\": " + "[".repeat(levels)
                + "]".repeat(levels) + "}}";
        assertThat(parse(deep).configJson()).startsWith("{\"x\":[[");
    }

    @Test
    void refusesDuplicateKeysNamingTheKey() {
        assertThatThrownBy(() -> parse("{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"name\": \"other\"}"))
                .isInstanceOf(InvalidLeverJsonException.class)
                .hasMessageContaining("lever.json is not valid JSON: Duplicate field 'name' at");
        assertThatThrownBy(() -> parse("{\"name\": \"svc\", \"jsEntry\": \"a.js\", \"config\": {\"k\": 1, \"k\": 2}}"))
                .hasMessageContaining("Duplicate field 'k'");
    }

    private static LeverJson parse(String text) {
        return LeverJson.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
