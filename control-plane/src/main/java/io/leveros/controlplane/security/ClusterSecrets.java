package io.leveros.controlplane.security;

/**
 * Secrets every control plane of a cluster must hold the same: the root token ({@code token}) and the
 * cluster key ({@code cluster.key}) that node credentials and the forwarding key derive from. File
 * mode keeps them in {@code <data-dir>}; Redis mode in Redis, so a token or node credential made by
 * one control plane works on the others.
 */
public interface ClusterSecrets {

    /**
     * The secret called {@code name}, made ({@link AccessToken#randomSecret()}) by whichever control
     * plane asks first and the same for every one afterwards.
     */
    String readOrCreate(String name);
}
