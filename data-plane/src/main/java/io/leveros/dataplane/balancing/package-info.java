/**
 * Which instance takes a call. A plain call goes to the less loaded of two picked at random
 * ("power of two choices", {@link io.leveros.dataplane.balancing.PowerOfTwoChoices}), load being
 * the number of calls in flight: it avoids both round robin's blindness to slow calls and the herd
 * effect of always picking the global minimum. A new resource goes to the instance with the most
 * room for it, and instances are scaled down in the same order ({@link
 * io.leveros.dataplane.balancing.ResourceRoom}). Start at {@link
 * io.leveros.dataplane.balancing.PowerOfTwoChoices}.
 */
package io.leveros.dataplane.balancing;
