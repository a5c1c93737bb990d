package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.cli.CliException;
import io.leveros.core.url.LeverUrl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvokeCommandTest {

    @Test
    void argumentsBecomeOneJsonArray() {
        byte[] body = InvokeCommand.jsonArgs(List.of("\"world\"", "42", "{\"a\": [true, null]}"));
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("[\"world\",42,{\"a\":[true,null]}]");
        assertThat(new String(InvokeCommand.jsonArgs(List.of()), StandardCharsets.UTF_8))
                .isEqualTo("[]");
    }

    @Test
    void anArgumentThatIsNotJsonIsExplained() {
        assertThatThrownBy(() -> InvokeCommand.jsonArgs(List.of("1", "world")))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("argument 2 is not JSON: world")
                .hasMessageContaining("'\"world\"'");
    }

    @Test
    void relativeUrlsUseTheEnvironmentOption() {
        assertThat(InvokeCommand.parseUrl("/svc/m", "staging.lever"))
                .isEqualTo(new LeverUrl("staging.lever", "svc", "", "m"));
        assertThat(InvokeCommand.parseUrl("lever://prod.lever/svc/m", "staging.lever")
                        .environment())
                .isEqualTo("prod.lever");
        assertThatThrownBy(() -> InvokeCommand.parseUrl("svc", "dev.lever")).isInstanceOf(CliException.class);
    }

    @Test
    void argsFromAFileMustBeOneJsonArray() {
        byte[] array = "[\"world\", 42]\n".getBytes(StandardCharsets.UTF_8);
        assertThat(InvokeCommand.argsArray("@args.json", array)).isEqualTo(array);
        assertThatThrownBy(() -> InvokeCommand.argsArray("@args.json", "\"world\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("--args @args.json")
                .hasMessageContaining("expected a JSON array of arguments");
        assertThatThrownBy(() -> InvokeCommand.argsArray("-", "[1, 2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("--args -");
    }
}
