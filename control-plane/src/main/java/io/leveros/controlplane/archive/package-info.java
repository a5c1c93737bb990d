/**
 * Safe extraction of service archives (tar.gz). Start with {@link
 * io.leveros.controlplane.archive.ArchiveExtractor}: it is the only code that turns uploaded bytes into
 * files, and it enforces the rules listed there (caps, paths, links, entry types).
 */
package io.leveros.controlplane.archive;
