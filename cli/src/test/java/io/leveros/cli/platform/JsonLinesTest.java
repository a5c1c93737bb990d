package io.leveros.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    @Test
    void eachPrintedLineBecomesOneJsonRecordAndBlankLinesAreLeftOut() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream json = JsonLines.printStream(new PrintStream(bytes, true, StandardCharsets.UTF_8), "WARN");
        json.printf("%nLever is up in %.1f s.%n  REST API  http://127.0.0.1:8090%n%n", 2.5);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(lines.get(0)).get("message").asText()).isEqualTo("Lever is up in 2.5 s.");
        assertThat(mapper.readTree(lines.get(1)).get("message").asText()).isEqualTo("REST API  http://127.0.0.1:8090");
        assertThat(mapper.readTree(lines.get(1)).at("/log/level").asText()).isEqualTo("WARN");
        assertThat(mapper.readTree(lines.get(1)).at("/log/logger").asText()).isEqualTo("lever-up");
    }
}
