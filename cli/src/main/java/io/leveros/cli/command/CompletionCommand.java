package io.leveros.cli.command;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lever completion}: the shell completion script for every verb and option. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print the completion script for bash and zsh: verbs, options and their values complete with TAB.",
            "Now:      source <(lever completion)",
            "Always:   lever completion > ~/.lever-completion; echo 'source ~/.lever-completion' >> ~/.bashrc",
            "          (zsh: the same in ~/.zshrc; the script turns on bashcompinit itself)"
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.print(script(spec));
        System.out.flush();
        return 0;
    }

    /** The script for the whole {@code lever} command line {@code spec} belongs to. */
    static String script(CommandSpec spec) {
        return AutoComplete.bash("lever", spec.root().commandLine());
    }
}
