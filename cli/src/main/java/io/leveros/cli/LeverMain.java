package io.leveros.cli;

import io.leveros.cli.command.LeverCommand;

/** Entry point of the {@code lever} command. */
public final class LeverMain {
    private LeverMain() {}

    public static void main(String[] args) {
        System.exit(LeverCommand.commandLine().execute(args));
    }
}
