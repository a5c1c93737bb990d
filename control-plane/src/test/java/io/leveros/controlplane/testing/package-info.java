/** Test helpers: archives built in memory. */
package io.leveros.controlplane.testing;
