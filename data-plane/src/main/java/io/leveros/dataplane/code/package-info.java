/**
 * Code distribution, node side (docs/cluster.md): the versions' code this node has run, fetched from the
 * control plane ({@link io.leveros.dataplane.code.ControlPlaneCode}), verified before anything is
 * extracted ({@link io.leveros.dataplane.code.SafeExtraction}), kept in {@code <data-dir>/code/<sha256>/}
 * across restarts and evicted once no snapshot names it. Start with {@link
 * io.leveros.dataplane.code.CodeCache}.
 */
package io.leveros.dataplane.code;
