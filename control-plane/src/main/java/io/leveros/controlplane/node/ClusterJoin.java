package io.leveros.controlplane.node;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.security.FailedAuthentications;
import io.leveros.proto.control.JoinClusterReply;
import io.leveros.proto.control.JoinClusterRequest;

/**
 * {@code Routing/JoinCluster}: trades a cluster join token for a node credential. A bad, expired or
 * revoked token counts as a failed authentication of the client's address (the limiter the REST
 * API and the node credentials share); a node id that reports now is refused, so a join token cannot
 * take over a running member's name. Every join, granted or refused, is in the audit log.
 */
public final class ClusterJoin {
    private final JoinTokens tokens;
    private final NodeCredentials credentials;
    private final NodeRegistry nodes;
    private final FailedAuthentications failures;
    private final AuditLog audit;

    public ClusterJoin(
            JoinTokens tokens,
            NodeCredentials credentials,
            NodeRegistry nodes,
            FailedAuthentications failures,
            AuditLog audit) {
        this.tokens = tokens;
        this.credentials = credentials;
        this.nodes = nodes;
        this.failures = failures;
        this.audit = audit;
    }

    /**
     * @param client the caller's address
     * @throws StatusRuntimeException {@code UNAUTHENTICATED}, {@code INVALID_ARGUMENT} or {@code
     *     ALREADY_EXISTS}, each saying what was wrong
     */
    public JoinClusterReply join(JoinClusterRequest request, String client) {
        String nodeId = request.getNodeId();
        String tokenId = tokens.verify(request.getJoinToken().trim());
        if (tokenId == null) {
            failures.failed(client);
            String problem = request.getJoinToken().isBlank()
                    ? "no join token"
                    : "the join token is not valid (not made by this cluster, expired or revoked)";
            audit.record(null, "node.join", nodeId, client, Outcome.REFUSED, problem);
            throw Status.UNAUTHENTICATED
                    .withDescription("cannot join the cluster as node '" + nodeId + "': " + problem
                            + "; make one with `lever nodes join-token` and give it to the data plane with"
                            + " --join-token-file")
                    .asRuntimeException();
        }
        try {
            NodeCredentials.checkNodeId(nodeId);
        } catch (IllegalArgumentException e) {
            audit.record(null, "node.join", nodeId, client, Outcome.REFUSED, e.getMessage());
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (nodes.reporting(nodeId, System.nanoTime())) {
            String problem = "node '" + nodeId + "' is a member that reports now (expected: a new node id; to"
                    + " replace that node, stop its data plane and wait " + nodes.expiry() + ", or revoke it with"
                    + " `lever nodes revoke " + nodeId + "`)";
            audit.record(null, "node.join", nodeId, client, Outcome.REFUSED, problem);
            throw Status.ALREADY_EXISTS.withDescription(problem).asRuntimeException();
        }
        String credential = credentials.issue(nodeId);
        audit.record(null, "node.join", nodeId, client, Outcome.OK, "with join token " + tokenId);
        return JoinClusterReply.newBuilder().setNodeCredential(credential).build();
    }
}
