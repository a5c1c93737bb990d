/**
 * The {@code lever} command line tool. {@link io.leveros.cli.command.LeverCommand} lists the verbs;
 * each verb is one class in {@code command}.
 */
package io.leveros.cli;
