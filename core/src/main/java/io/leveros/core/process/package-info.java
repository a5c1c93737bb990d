/** What the platform says about the processes it runs: the data plane's instances, {@code lever up}'s children. */
package io.leveros.core.process;
