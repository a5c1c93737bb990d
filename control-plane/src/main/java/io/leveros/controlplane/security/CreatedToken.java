package io.leveros.controlplane.security;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The answer to {@code POST /api/v1/tokens}: the new token's description and, this once, its secret.
 *
 * @param token the secret, {@code lvt_} + 43 URL-safe base64 characters; only its hash is kept
 */
public record CreatedToken(@JsonUnwrapped TokenInfo info, String token) {}
