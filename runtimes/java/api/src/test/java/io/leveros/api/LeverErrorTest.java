package io.leveros.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LeverErrorTest {
    @Test
    void stringValueIsTheMessage() {
        LeverError error = new LeverError("error sent: x");
        assertThat(error.value()).isEqualTo("error sent: x");
        assertThat(error.getMessage()).isEqualTo("error sent: x");
        assertThat(error.isBytes()).isFalse();
    }

    @Test
    void structuredValueIsKept() {
        LeverError error = new LeverError(Map.of("code", 42));
        assertThat(error.value()).isEqualTo(Map.of("code", 42));
        assertThat(error.getMessage()).isEqualTo("{code=42}");
    }

    @Test
    void bytesAreCopied() {
        byte[] bytes = {1, 2, 3};
        LeverError error = new LeverError(bytes);
        bytes[0] = 9;
        assertThat(error.isBytes()).isTrue();
        assertThat((byte[]) error.value()).containsExactly(1, 2, 3);
        assertThat(error.getMessage()).isEqualTo("byte error (3 bytes)");
    }

    @Test
    void nullValue() {
        assertThat(new LeverError(null).value()).isNull();
        assertThat(new LeverError(null).getMessage()).isEqualTo("null");
    }

    @Test
    void configDefaultsToEmptyObject() {
        if (System.getenv(Lever.CONFIG) == null) {
            assertThat(Lever.configJson()).isEqualTo("{}");
        }
    }
}
