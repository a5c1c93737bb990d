package io.leveros.controlplane.store;

/** One version's share of a service's calls in a traffic split ({@code lever traffic}): 1 to 99 percent. */
public record TrafficShare(long version, int percent) {}
