package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompletionCommandTest {
    @TempDir
    Path temp;

    /** Runs bash's completion for {@code line} (the words typed so far, the last one being completed). */
    private String complete(String... words) throws Exception {
        CommandLine lever = LeverCommand.commandLine();
        Path script = temp.resolve("lever-completion");
        Files.writeString(script, CompletionCommand.script(lever.getCommandSpec()));
        String line = String.join(" ", words);
        String quoted =
                String.join(" ", Arrays.stream(words).map(w -> "'" + w + "'").toList());
        Process bash = new ProcessBuilder(
                        "bash",
                        "-c",
                        "source " + script + "; COMP_WORDS=(" + quoted + "); COMP_CWORD=" + (words.length - 1)
                                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                                + "; _complete_lever; printf '%s\\n' \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void verbsAndTheirOptionsCompleteInBash() throws Exception {
        assertThat(complete("lever", "de").lines()).contains("deploy").doesNotContain("invoke");
        assertThat(complete("lever", "invoke", "--ti").lines()).contains("--time");
        assertThat(complete("lever", "tokens", "cr").lines()).contains("create");
    }
}
