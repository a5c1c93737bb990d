package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.routing.RoutesPublisher;
import io.leveros.proto.control.Node;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The cluster's nodes: which report now, and their credentials (issued at join time, revoked on removal). */
@RestController
@RequestMapping("/api/v1/nodes")
class NodeController {
    private final NodeRegistry nodes;
    private final NodeCredentials credentials;
    private final RoutesPublisher routes;
    private final AuditedCalls audited;

    NodeController(NodeRegistry nodes, NodeCredentials credentials, RoutesPublisher routes, AuditedCalls audited) {
        this.nodes = nodes;
        this.credentials = credentials;
        this.routes = routes;
        this.audited = audited;
    }

    /**
     * @param forwardingAddress where other nodes forward calls to it
     * @param servingVersions how many live versions it has ready instances of
     */
    record NodeView(String nodeId, String forwardingAddress, int servingVersions) {}

    /** @param credential the secret to give the node's data plane ({@code --node-credential-file}); shown once */
    record IssuedCredential(String nodeId, String credential, Instant issuedAt) {}

    @GetMapping
    @Operation(summary = "The nodes whose data planes report now")
    List<NodeView> list() {
        List<NodeView> views = new ArrayList<>();
        for (Node node : nodes.known().nodes()) {
            views.add(new NodeView(node.getNodeId(), node.getForwardingAddress(), node.getServingCount()));
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

    /** The node id, or a 400 INVALID_NODE_ID saying what one looks like. */
    private static String checked(String nodeId) {
        try {
            return NodeCredentials.checkNodeId(nodeId);
        } catch (IllegalArgumentException e) {
            throw new ControlPlaneException(ErrorCode.INVALID_NODE_ID, e.getMessage());
        }
    }
}
