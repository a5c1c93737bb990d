/** How the data plane waits before trying again: {@link io.leveros.dataplane.retry.Jitter}. */
package io.leveros.dataplane.retry;
