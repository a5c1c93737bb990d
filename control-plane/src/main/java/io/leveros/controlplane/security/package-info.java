/**
 * Bearer-token auth for state-changing REST calls. {@link io.leveros.controlplane.security.AccessToken}
 * makes and reads {@code <data-dir>/token}; {@link io.leveros.controlplane.security.BearerTokenFilter}
 * checks it. Reads stay open; there are no users or roles.
 */
package io.leveros.controlplane.security;
