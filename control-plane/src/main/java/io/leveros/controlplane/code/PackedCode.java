package io.leveros.controlplane.code;

/**
 * A version's code archive as packed: what a node verifies before it extracts it.
 *
 * @param sha256 the archive's SHA-256, lower-case hex
 * @param bytes the archive's size
 */
public record PackedCode(String sha256, long bytes) {}
