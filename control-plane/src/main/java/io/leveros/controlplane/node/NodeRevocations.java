package io.leveros.controlplane.node;

import java.util.Map;

/**
 * Where node revocations are kept: node id to the epoch second until which its credentials are
 * refused. {@code <data-dir>/node-revocations} in file mode, the hash {@code lever:node-revocations} in
 * Redis mode (shared by the cluster's control planes).
 */
interface NodeRevocations {

    /** Every revocation. */
    Map<String, Long> load();

    /** Records that {@code nodeId}'s credentials issued up to {@code until} are refused. */
    void record(String nodeId, long until);
}
