package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.node.JoinTokens;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.routing.RoutesPublisher;
import io.leveros.controlplane.security.Caller;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.Node;
import io.leveros.proto.control.ServingVersion;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The cluster's nodes: which report now, and their credentials (issued at join time, revoked on removal). */
@RestController
@RequestMapping("/api/v1/nodes")
class NodeController {
    private final NodeRegistry nodes;
    private final NodeCredentials credentials;
    private final RoutesPublisher routes;
    private final AuditedCalls audited;
    private final JoinTokens joinTokens;

    NodeController(
            NodeRegistry nodes,
            NodeCredentials credentials,
            RoutesPublisher routes,
            AuditedCalls audited,
            JoinTokens joinTokens) {
        this.joinTokens = joinTokens;
        this.nodes = nodes;
        this.credentials = credentials;
        this.routes = routes;
        this.audited = audited;
    }

    /**
     * @param state {@code ready} (reports on time) or {@code unreachable} (missed reports; dropped,
     *     that is dead, after {@code lever.node-expiry})
     * @param forwardingAddress where other nodes forward calls to it
     * @param memoryTotalBytes the memory it offers instances (0: it reports none)
     * @param memoryAvailableBytes the machine's free memory now, as the node reported it
     * @param memoryReservedBytes the ram (lever.json) of the instances it runs or starts, and what the
     *     warm runtimes it keeps take while idle
     * @param memoryWarmRuntimesBytes of that, what the warm runtimes take
     * @param instances its instances, ready and starting
     * @param servingVersions how many versions it has ready instances of
     */
    record NodeView(
            String nodeId,
            String state,
            String forwardingAddress,
            long memoryTotalBytes,
            long memoryAvailableBytes,
            long memoryReservedBytes,
            long memoryWarmRuntimesBytes,
            int instances,
            int servingVersions) {}

    /** @param credential the secret to give the node's data plane ({@code --node-credential-file}); shown once */
    record IssuedCredential(String nodeId, String credential, Instant issuedAt) {}

    @GetMapping
    @Operation(summary = "The nodes whose data planes report, with their state, memory and instances")
    List<NodeView> list() {
        NodeRegistry.Known known = nodes.known();
        List<NodeView> views = new ArrayList<>();
        for (Node node : known.nodes()) {
            InstanceReport report = known.reports().get(node.getNodeId());
            int instances = 0;
            for (ServingVersion serving : report.getServingList()) {
                instances += serving.getReadyInstances() + serving.getStartingInstances();
            }
            views.add(new NodeView(
                    node.getNodeId(),
                    node.getState(),
                    node.getForwardingAddress(),
                    report.getMemoryTotalBytes(),
                    report.getMemoryAvailableBytes(),
                    nodes.reservedBytes(report),
                    report.getWarmRuntimesBytes(),
                    instances,
                    node.getServingCount()));
        }
        return views;
    }

    @PostMapping("/{nodeId}/credential")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue a credential for a node to join with (admin)")
    IssuedCredential issue(@PathVariable("nodeId") String nodeId, HttpServletRequest request) throws IOException {
        return audited.run(
                request,
                "node.credential.issue",
                nodeId,
                () -> new IssuedCredential(nodeId, credentials.issue(checked(nodeId)), Instant.now()),
                issued -> "issued at " + issued.issuedAt());
    }

    @DeleteMapping("/{nodeId}/credential")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Refuse every credential issued to a node until now (admin); its data plane is cut off")
    void revoke(@PathVariable("nodeId") String nodeId, HttpServletRequest request) throws IOException {
        audited.run(request, "node.credential.revoke", nodeId, () -> {
            credentials.revoke(checked(nodeId));
            routes.disconnect(nodeId);
        });
    }

    @GetMapping("/join-tokens")
    @Operation(summary = "The cluster join tokens that have not expired (never their secrets) (admin)")
    List<JoinTokens.JoinTokenInfo> joinTokens() {
        return joinTokens.list();
    }

    @PostMapping("/join-tokens")
    @Operation(
            summary = "Make a cluster join token (admin): a new node trades it for its credential"
                    + " (data plane --join-token-file); its secret is in this answer only."
                    + " Body: {\"expires\": \"24h\"} (optional, m/h/d, default 24h)")
    ResponseEntity<JoinTokens.CreatedJoinToken> createJoinToken(
            @RequestBody(required = false) JsonNode body, HttpServletRequest request) throws IOException {
        JoinTokens.CreatedJoinToken created = audited.run(
                request,
                "node.join-token.create",
                "join-token",
                () -> joinTokens.create(validity(body), Caller.of(request).token()),
                token -> token.info().id() + ", expires " + token.info().expiresAt());
        return ResponseEntity.created(
                        URI.create("/api/v1/nodes/join-tokens/" + created.info().id()))
                .body(created);
    }

    @DeleteMapping("/join-tokens/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke a cluster join token (admin); nodes that joined with it keep their credentials")
    void revokeJoinToken(@PathVariable("id") String id, HttpServletRequest request) throws IOException {
        audited.run(request, "node.join-token.revoke", id, () -> joinTokens.revoke(id));
    }

    /** {@code expires}: {@code 30m}, {@code 24h}, {@code 7d}; 24 hours when absent. */
    static Duration validity(JsonNode body) {
        JsonNode expires = body == null ? null : body.get("expires");
        if (expires == null || expires.isNull()) {
            return Duration.ofHours(24);
        }
        String text = expires.isString() ? expires.asString().trim() : expires.toString();
        try {
            if (text.length() >= 2) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                Duration duration =
                        switch (text.charAt(text.length() - 1)) {
                            case 'm' -> Duration.ofMinutes(amount);
                            case 'h' -> Duration.ofHours(amount);
                            case 'd' -> Duration.ofDays(amount);
                            default -> null;
                        };
                if (duration != null && amount > 0) {
                    return duration;
                }
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ControlPlaneException(
                ErrorCode.INVALID_JOIN_TOKEN_REQUEST,
                "expires: '" + text + "' (expected: a positive number of minutes, hours or days, e.g. 30m, 24h, 7d)");
    }

    /** The node id, or a 400 INVALID_NODE_ID saying what one looks like. */
    private static String checked(String nodeId) {
        try {
            return NodeCredentials.checkNodeId(nodeId);
        } catch (IllegalArgumentException e) {
            throw new ControlPlaneException(ErrorCode.INVALID_NODE_ID, e.getMessage());
        }
    }
}
