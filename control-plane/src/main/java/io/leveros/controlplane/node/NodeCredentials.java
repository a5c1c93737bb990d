package io.leveros.controlplane.node;

import io.leveros.controlplane.security.ClusterSecrets;
import io.leveros.controlplane.security.FileClusterSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the credentials data planes present to the control plane's gRPC port: {@code
 * lvn1.<node-id>.<issued-at-seconds>.<mac>}, the MAC an HMAC-SHA256 of the rest under the cluster
 * key ({@link ClusterSecrets} {@code cluster.key}: 32 random bytes, made on first start, in {@code
 * <data-dir>/cluster.key} owner-only, or in Redis shared by the cluster's control planes). A
 * credential names its node, so a data plane can only speak for the node it was issued to; it is
 * distinct from every REST token and grants nothing on the REST API.
 *
 * <p>Revoking a node refuses every credential issued to it until then ({@link NodeRevocations}; in
 * Redis mode {@link #refresh()} runs every second so a revocation on another control plane counts here
 * within a second); a new one can be issued afterwards. The same key and the revocations derive the
 * forwarding key the data planes present to each other, so it changes with every revocation.
 */
public final class NodeCredentials {
    /** Node ids: what a host name or a container name looks like, no dots (they separate the parts). */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private static final String PREFIX = "lvn1.";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final NodeRevocations revocations;
    private final Clock clock;
    private final Map<String, Long> revokedUntil = new ConcurrentHashMap<>();
    private final List<Runnable> revocationListeners = new CopyOnWriteArrayList<>();
    private volatile String forwardingKey;

    private NodeCredentials(byte[] key, NodeRevocations revocations, Clock clock) {
        this.key = key;
        this.revocations = revocations;
        this.clock = clock;
        refresh();
    }

    /** File mode: the cluster key and the revocations in {@code dataDir}, the key made on first start. */
    public static NodeCredentials load(Path dataDir, Clock clock) {
        return load(
                new FileClusterSecrets(dataDir), new FileNodeRevocations(dataDir.resolve("node-revocations")), clock);
    }

    static NodeCredentials load(ClusterSecrets secrets, NodeRevocations revocations, Clock clock) {
        return new NodeCredentials(clusterKey(secrets), revocations, clock);
    }

    /**
     * Reads the revocations again (made by other control planes on the same Redis); when there is a
     * new one, the forwarding key changes and the revocation listeners are told.
     */
    public synchronized void refresh() {
        boolean changed = false;
        for (Map.Entry<String, Long> revoked : revocations.load().entrySet()) {
            Long known = revokedUntil.get(revoked.getKey());
            if (known == null || known < revoked.getValue()) {
                revokedUntil.put(revoked.getKey(), revoked.getValue());
                changed = true;
            }
        }
        if (forwardingKey == null) {
            forwardingKey = deriveForwardingKey();
        } else if (changed) {
            revoked();
        }
    }

    /**
     * A new credential for {@code nodeId}.
     *
     * @throws IllegalArgumentException naming the id and the expected form
     */
    public String issue(String nodeId) {
        checkNodeId(nodeId);
        // A second: a credential issued in the second of a revocation would be refused, so wait it out.
        long issuedAt = Math.max(clock.instant().getEpochSecond(), revokedUntil.getOrDefault(nodeId, -1L) + 1);
        String body = PREFIX + nodeId + "." + issuedAt;
        return body + "." + BASE64.encodeToString(mac(body));
    }

    /** The node the credential was issued to, or {@code null} when it is not a valid, unrevoked one. */
    public String verify(String credential) {
        if (credential == null || !credential.startsWith(PREFIX)) {
            return null;
        }
        int macDot = credential.lastIndexOf('.');
        int timeDot = credential.lastIndexOf('.', macDot - 1);
        if (timeDot <= PREFIX.length()) {
            return null;
        }
        String body = credential.substring(0, macDot);
        byte[] given = credential.substring(macDot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, BASE64.encode(mac(body)))) {
            return null;
        }
        String nodeId = credential.substring(PREFIX.length(), timeDot);
        long issuedAt;
        try {
            issuedAt = Long.parseLong(credential.substring(timeDot + 1, macDot));
        } catch (NumberFormatException e) {
            return null;
        }
        return issuedAt > revokedUntil.getOrDefault(nodeId, -1L) ? nodeId : null;
    }

    /** Refuses every credential issued to {@code nodeId} until now; kept across restarts. */
    public synchronized void revoke(String nodeId) {
        checkNodeId(nodeId);
        long until = clock.instant().getEpochSecond();
        revocations.record(nodeId, until);
        revokedUntil.merge(nodeId, until, Math::max);
        revoked();
    }

    private void revoked() {
        forwardingKey = deriveForwardingKey();
        revocationListeners.forEach(Runnable::run);
    }

    /** Called after every revocation (the forwarding key changed), on the revoking thread. */
    public void onRevocation(Runnable listener) {
        revocationListeners.add(listener);
    }

    /**
     * The secret every data plane sends to the others' forwarding port; derived, so never stored.
     * It changes with every revocation (the membership generation): a revoked node, whose routes
     * stream is ended, never learns the new one.
     */
    public String forwardingKey() {
        return forwardingKey;
    }

    /**
     * HMAC of the revocations under the cluster key: every control plane that shares the key and the
     * revocations derives the same one.
     */
    private String deriveForwardingKey() {
        StringBuilder generation = new StringBuilder("forwarding-key-v2");
        new TreeMap<>(revokedUntil)
                .forEach((node, until) ->
                        generation.append('|').append(node).append('=').append(until));
        return BASE64.encodeToString(mac(generation.toString()));
    }

    /**
     * @return {@code nodeId}
     * @throws IllegalArgumentException naming the id and what a node id looks like
     */
    public static String checkNodeId(String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id '" + nodeId + "' (expected: 1-63 letters, digits, '_' or '-',"
                    + " starting with a letter or digit, as the data plane's --node-id)");
        }
        return nodeId;
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] clusterKey(ClusterSecrets secrets) {
        byte[] key = Base64.getUrlDecoder().decode(secrets.readOrCreate("cluster.key"));
        if (key.length < 32) {
            throw new IllegalStateException("the cluster key holds " + key.length + " bytes (expected: 32 bytes, "
                    + "base64url); delete <data-dir>/cluster.key (or lever:secret:cluster.key in Redis mode) to "
                    + "make a new one, then issue new node credentials");
        }
        return key;
    }
}
