package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every verb's {@code --help}, as picocli renders it from the descriptions. */
class HelpTest {
    @Test
    void everyVerbsHelpRendersWithoutAFormattingWarning() {
        List<CommandLine> commands = new ArrayList<>();
        collect(LeverCommand.commandLine(), commands);
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        try {
            // picocli warns on standard error, and falls back to the raw text, when a description is
            // not a valid format string (a lone '%')
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            for (CommandLine command : commands) {
                assertThat(command.getUsageMessage())
                        .as(command.getCommandName())
                        .contains("Usage:");
            }
        } finally {
            System.setErr(err);
        }
        assertThat(commands).hasSizeGreaterThan(20);
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, into));
    }
}
