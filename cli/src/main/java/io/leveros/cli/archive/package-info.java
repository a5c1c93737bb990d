/** Packing a service folder into the tar.gz archive that a deploy uploads. */
package io.leveros.cli.archive;
