/**
 * The web console's server side (docs/console.md): signing a browser in ({@link
 * io.leveros.controlplane.console.ConsoleController}, with {@link
 * io.leveros.controlplane.security.ConsoleSessions}), the security headers of its pages ({@link
 * io.leveros.controlplane.console.ConsoleHeaders}). The app itself is {@code web-console/}, served
 * from the classpath; the live state it shows is {@code GET /api/v1/environments/{env}/events}.
 */
package io.leveros.controlplane.console;
