/**
 * The verbs of the {@code lever} command, one class each. {@link io.leveros.cli.command.LeverCommand}
 * is the root; global options live in {@link io.leveros.cli.command.GlobalOptions}.
 */
package io.leveros.cli.command;
