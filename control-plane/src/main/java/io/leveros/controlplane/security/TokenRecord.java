package io.leveros.controlplane.security;

import java.time.Instant;
import java.util.List;

/**
 * A named token as {@code tokens.json} keeps it: never the secret, only its SHA-256.
 *
 * @param sha256 lower-case hex SHA-256 of the token's text (UTF-8)
 */
record TokenRecord(
        String name, Scope scope, List<String> environments, Instant createdAt, String createdBy, String sha256) {

    TokenInfo info() {
        return new TokenInfo(name, scope, environments, createdAt, createdBy, false);
    }

    Caller caller() {
        return new Caller(name, scope, environments);
    }
}
