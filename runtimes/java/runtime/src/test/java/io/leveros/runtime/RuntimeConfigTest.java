package io.leveros.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeConfigTest {
    private static final Path DIR = Path.of("/code");

    @Test
    void defaults() {
        RuntimeConfig config = RuntimeConfig.from(new String[] {"com.example.Hello"}, Map.of(), DIR);
        assertThat(config.className()).isEqualTo("com.example.Hello");
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(3837);
        assertThat(config.codeDir()).isEqualTo(DIR);
    }

    @Test
    void fromEnvironment() {
        RuntimeConfig config = RuntimeConfig.from(
                new String[] {"X"}, Map.of("LEVEROS_PORT", "4000", "LEVEROS_LISTEN_HOST", "0.0.0.0"), DIR);
        assertThat(config.port()).isEqualTo(4000);
        assertThat(config.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void invalidPort() {
        assertThatThrownBy(() -> RuntimeConfig.from(new String[] {"X"}, Map.of("LEVEROS_PORT", "http"), DIR))
                .isInstanceOf(StartFailure.class)
                .hasMessage("LEVEROS_PORT: 'http' (expected: a port number from 0 to 65535)");
        assertThatThrownBy(() -> RuntimeConfig.from(new String[] {"X"}, Map.of("LEVEROS_PORT", "70000"), DIR))
                .isInstanceOf(StartFailure.class);
    }

    @Test
    void needsTheClassName() {
        assertThatThrownBy(() -> RuntimeConfig.from(new String[0], Map.of(), DIR))
                .isInstanceOf(StartFailure.class)
                .hasMessageStartingWith("usage: java -cp");
    }
}
