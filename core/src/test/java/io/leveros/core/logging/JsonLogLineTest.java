package io.leveros.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonLogLineTest {
    @Test
    void aRecordIsOneLineOfJsonWhateverItsMessageHolds() throws Exception {
        String message = "two\nlines, \"quoted\" \\ tab\t bell\u0007 é ✓";
        String line = JsonLogLine.of(Instant.parse("2026-12-03T10:00:00.123Z"), "WARN", "lever-up", message)
                .field("lever.service", "hello")
                .field("absent", null)
                .toString();
        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("@timestamp").asText()).isEqualTo("2026-12-03T10:00:00.123Z");
        assertThat(json.at("/log/level").asText()).isEqualTo("WARN");
        assertThat(json.at("/log/logger").asText()).isEqualTo("lever-up");
        assertThat(json.get("message").asText()).isEqualTo(message);
        assertThat(json.at("/lever/service").asText()).isEqualTo("hello");
        assertThat(json.has("absent")).isFalse();
    }
}
