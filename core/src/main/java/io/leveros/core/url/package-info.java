/**
 * Lever URLs ({@code lever://env/service[/resource]/method}) and method-name rules. Start with
 * {@link io.leveros.core.url.LeverUrl}.
 */
package io.leveros.core.url;
