package io.leveros.controlplane.security;

import java.util.List;

/**
 * Where the named tokens are kept (hashes only): {@link TokenFile} ({@code <data-dir>/tokens.json}) or,
 * in Redis mode, {@link RedisTokenStore}, shared by every control plane. Callers serialise their
 * changes; the Redis store is also atomic across control planes.
 */
interface TokenStore {

    /** Every token, in order of creation. */
    List<TokenRecord> load();

    /** Adds {@code token} unless one of that name exists; {@code false} then. */
    boolean add(TokenRecord token);

    /** Removes the token of that name; {@code false} when there is none. */
    boolean remove(String name);
}
