package io.leveros.dataplane.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LogSource HELLO = new LogSource("dev.lever", "hello", 3, "i-1");

    @Test
    void textLinesAreAsBefore() {
        assertThat(LogFormat.TEXT.instanceLine(HELLO, "lever://dev.lever/hello v3", "stdout", "hi"))
                .isEqualTo("lever://dev.lever/hello v3 hi");
        assertThat(LogFormat.TEXT.line("listening")).isEqualTo("listening");
    }

    @Test
    void anInstancesJsonLineNamesWhereItCameFrom() throws Exception {
        JsonNode line = JSON.readTree(
                LogFormat.JSON.instanceLine(HELLO, "lever://dev.lever/hello v3", "stderr", "oops \"quoted\"\ttab"));
        assertThat(line.get("message").asText()).isEqualTo("oops \"quoted\"\ttab");
        assertThat(line.at("/lever/environment").asText()).isEqualTo("dev.lever");
        assertThat(line.at("/lever/service").asText()).isEqualTo("hello");
        assertThat(line.at("/lever/version").asText()).isEqualTo("3");
        assertThat(line.at("/lever/instance").asText()).isEqualTo("i-1");
        assertThat(line.at("/lever/stream").asText()).isEqualTo("stderr");
        assertThat(line.at("/log/level").asText()).isEqualTo("INFO");
        assertThat(line.has("@timestamp")).isTrue();
    }

    @Test
    void theDataPlanesOwnRecordsCarryTheirLevelLoggerAndError() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "cannot read {0}");
        record.setParameters(new Object[] {"the credential"});
        record.setLoggerName("io.leveros.dataplane.identity.NodeCredential");
        record.setThrown(new IllegalStateException("denied"));
        String formatted = new LogFormat.JsonFormatter().format(record);
        assertThat(formatted).endsWith(System.lineSeparator()).containsOnlyOnce("\n");
        JsonNode line = JSON.readTree(formatted);
        assertThat(line.get("message").asText()).isEqualTo("cannot read the credential");
        assertThat(line.at("/log/level").asText()).isEqualTo("WARN");
        assertThat(line.at("/log/logger").asText()).isEqualTo("io.leveros.dataplane.identity.NodeCredential");
        assertThat(line.at("/service/name").asText()).isEqualTo("lever-data-plane");
        assertThat(line.at("/error/type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.at("/error/stack_trace").asText()).contains("LogFormatTest");
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> LogFormat.parse("--log-format", "xml"))
                .hasMessage("--log-format: 'xml' is not a log format (expected: text or json)");
    }
}
