/**
 * Which ready instance takes a call: the less loaded of two picked at random ("power of two
 * choices"), load being the number of calls in flight. Avoids both round robin's blindness to slow
 * calls and the herd effect of always picking the global minimum. Start at {@link
 * io.leveros.dataplane.balancing.PowerOfTwoChoices}.
 */
package io.leveros.dataplane.balancing;
