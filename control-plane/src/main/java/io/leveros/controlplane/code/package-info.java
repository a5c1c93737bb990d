/**
 * Code distribution, control-plane side (docs/cluster.md): every deployed version's folder is packed into
 * one canonical tar.gz next to it ({@link io.leveros.controlplane.code.CodePacker}), whose SHA-256 and
 * size the version record keeps; nodes fetch it with {@code Routing/FetchCode} ({@link
 * io.leveros.controlplane.code.CodeStreaming}). In Redis mode every archive is also kept in Redis ({@link
 * io.leveros.controlplane.code.RedisCodeStore}), so any control plane can serve it. Start with {@link
 * io.leveros.controlplane.code.CodeArchives}.
 */
package io.leveros.controlplane.code;
