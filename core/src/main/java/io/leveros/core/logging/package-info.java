/** Log records as lines of JSON ({@code --log-format json}), the same on every part of the platform. */
package io.leveros.core.logging;
