package io.leveros.dataplane.balancing;

/** Something that takes calls and holds resources: an instance on this node. */
public interface ResourceHost extends Loaded {
    /** The resources bound to it. */
    int boundResources();

    /** Whether it is out of balancing (its calls finish, then it stops): it takes no new resource. */
    boolean draining();
}
