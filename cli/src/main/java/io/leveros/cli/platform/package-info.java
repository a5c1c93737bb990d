/**
 * Running the whole platform on one machine for {@code lever up}: {@link
 * io.leveros.cli.platform.LocalPlatform} starts the control plane and the data plane as child
 * processes, restarts one that exits by itself ({@link io.leveros.cli.platform.RestartBackoff}), and
 * stops them together.
 */
package io.leveros.cli.platform;
