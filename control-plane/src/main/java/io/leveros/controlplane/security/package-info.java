/**
 * Who may call the REST API, and with what. Start at {@link
 * io.leveros.controlplane.security.ApiAccessFilter}: it asks {@link
 * io.leveros.controlplane.security.AccessRules} (method + path → {@link
 * io.leveros.controlplane.security.Permission}) what a call needs, {@link
 * io.leveros.controlplane.security.TokenRegistry} whose token it carries (the built-in {@code root} in
 * {@code <data-dir>/token}, kept by {@link io.leveros.controlplane.security.AccessToken}, and named tokens
 * kept as SHA-256 hashes in {@code <data-dir>/tokens.json}; with a Redis store both are in Redis,
 * shared by the cluster's control planes, through {@link io.leveros.controlplane.security.ClusterSecrets}
 * and {@code TokenStore}), and {@link
 * io.leveros.controlplane.security.FailedAuthentications} whether the client address has failed too
 * often. Controllers read the {@link io.leveros.controlplane.security.Caller} it leaves on the request.
 * No Spring Security: one filter and a few small classes. See docs/control-plane.md, "Security".
 */
package io.leveros.controlplane.security;
