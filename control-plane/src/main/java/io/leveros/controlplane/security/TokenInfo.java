package io.leveros.controlplane.security;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/tokens} shows of a token: everything but the secret.
 *
 * @param environments where a deploy token may deploy; empty = every environment
 * @param createdBy the name of the token that created it ({@code null} for the built-in one)
 * @param builtIn {@code true} for {@code root}, the token in {@code <data-dir>/token}
 */
public record TokenInfo(
        String name, Scope scope, List<String> environments, Instant createdAt, String createdBy, boolean builtIn) {}
