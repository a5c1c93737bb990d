package io.leveros.controlplane.node;

import java.util.List;

/**
 * Where the join tokens' hashes are kept: {@link JoinTokenFile} (file mode), {@link RedisJoinTokens}
 * (Redis mode, so a token made on one control plane joins a node through another). Read on every
 * use: joins are rare, and a control plane never serves a stale list.
 */
interface JoinTokenStore {
    List<JoinTokens.StoredJoinToken> load();

    void add(JoinTokens.StoredJoinToken token);

    /** @return whether it was there */
    boolean remove(String id);
}
