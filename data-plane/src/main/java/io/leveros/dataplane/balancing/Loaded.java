package io.leveros.dataplane.balancing;

/** Something that takes calls and knows how many it has in flight. */
public interface Loaded {
    int outstanding();
}
