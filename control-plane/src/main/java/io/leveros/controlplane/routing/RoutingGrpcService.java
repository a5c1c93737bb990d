package io.leveros.controlplane.routing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leveros.controlplane.code.CodeStreaming;
import io.leveros.controlplane.node.ClusterJoin;
import io.leveros.controlplane.node.NodeAuthentication;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.resource.BindingKey;
import io.leveros.controlplane.resource.ResourceBindings;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.proto.control.BindResourceRequest;
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceReportAck;
import io.leveros.proto.control.JoinClusterReply;
import io.leveros.proto.control.JoinClusterRequest;
import io.leveros.proto.control.ReleaseResourceReply;
import io.leveros.proto.control.ReleaseResourceRequest;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lever.control.v1.Routing}: data planes call {@code WatchRoutes} once and keep the stream open,
 * and {@code ReportInstances} after every change of what they serve and every couple of seconds. Every
 * call but {@code JoinCluster} has passed {@link NodeAuthentication}: a data plane watches and reports as its
 * own node only, and binds and releases resources as its own node ({@link ResourceBindings}); {@code
 * FetchCode} streams a version's code archive ({@link CodeStreaming}).
 */
public final class RoutingGrpcService extends RoutingGrpc.RoutingImplBase {
    private static final Logger log = LoggerFactory.getLogger(RoutingGrpcService.class);

    private final RoutesPublisher publisher;
    private final NodeRegistry nodes;
    private final MetadataStore store;
    private final ResourceBindings bindings;
    private final InstanceReportAck ack;
    private final CodeStreaming code;
    private final ClusterJoin join;

    public RoutingGrpcService(
            RoutesPublisher publisher,
            NodeRegistry nodes,
            MetadataStore store,
            ResourceBindings bindings,
            CodeStreaming code,
            ClusterJoin join) {
        this.code = code;
        this.join = join;
        this.publisher = publisher;
        this.nodes = nodes;
        this.store = store;
        this.bindings = bindings;
        this.ack = InstanceReportAck.newBuilder()
                .setControlPlaneId(bindings.controlPlaneId())
                .build();
    }

    @Override
    public void watchRoutes(WatchRoutesRequest request, StreamObserver<RoutingSnapshot> responseObserver) {
        String nodeId = NodeAuthentication.NODE.get();
        if (!request.getNodeId().isBlank() && !request.getNodeId().equals(nodeId)) {
            responseObserver.onError(otherNode("watch routes", request.getNodeId(), nodeId));
            return;
        }
        publisher.subscribe(nodeId, NodeAuthentication.CREDENTIAL.get(), (ServerCallStreamObserver<RoutingSnapshot>)
                responseObserver);
    }

    @Override
    public void reportInstances(InstanceReport report, StreamObserver<InstanceReportAck> responseObserver) {
        if (report.getNodeId().isBlank() || report.getForwardingAddress().isBlank()) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("an instance report needs node_id and forwarding_address (got node_id '"
                            + report.getNodeId() + "', forwarding_address '" + report.getForwardingAddress() + "')")
                    .asRuntimeException());
            return;
        }
        String nodeId = NodeAuthentication.NODE.get();
        if (!report.getNodeId().equals(nodeId)) {
            responseObserver.onError(otherNode("report instances", report.getNodeId(), nodeId));
            return;
        }
        nodes.report(report);
        bindings.reported(report);
        responseObserver.onNext(ack);
        responseObserver.onCompleted();
    }

    /** Answers at once, or when the start-up hold ends (on a timer thread; no gRPC thread waits). */
    @Override
    public void bindResource(BindResourceRequest request, StreamObserver<ResourceBinding> responseObserver) {
        String nodeId = NodeAuthentication.NODE.get();
        BindingKey key;
        try {
            key = ResourceRequests.toBind(request.getKey(), store.snapshot());
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        }
        bindings.bind(nodeId, key, request.getCanHost()).whenComplete((binding, error) -> {
            try {
                if (error != null) {
                    log.error("Binding {} for node '{}' failed", key, nodeId, error);
                    responseObserver.onError(Status.INTERNAL
                            .withDescription("binding failed: " + error)
                            .asRuntimeException());
                    return;
                }
                responseObserver.onNext(ResourceRequests.toProto(binding));
                responseObserver.onCompleted();
            } catch (StatusRuntimeException cancelled) {
                log.debug("Node '{}' stopped waiting for its binding of {}: {}", nodeId, key, cancelled.toString());
            }
        });
    }

    /** Only the node holding the binding, with its epoch, releases it; anything else is {@code released=false}. */
    @Override
    public void releaseResource(ReleaseResourceRequest request, StreamObserver<ReleaseResourceReply> responseObserver) {
        String nodeId = NodeAuthentication.NODE.get();
        BindingKey key;
        try {
            key = ResourceRequests.toRelease(request.getKey());
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        }
        boolean released = bindings.release(nodeId, key, request.getEpoch());
        responseObserver.onNext(
                ReleaseResourceReply.newBuilder().setReleased(released).build());
        responseObserver.onCompleted();
    }

    @Override
    public void fetchCode(FetchCodeRequest request, StreamObserver<CodeChunk> responseObserver) {
        code.fetch(NodeAuthentication.NODE.get(), request, (ServerCallStreamObserver<CodeChunk>) responseObserver);
    }

    /** The one call without a node credential ({@link NodeAuthentication} lets it through). */
    @Override
    public void joinCluster(JoinClusterRequest request, StreamObserver<JoinClusterReply> responseObserver) {
        JoinClusterReply reply;
        try {
            reply = join.join(request, NodeAuthentication.CLIENT.get());
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        }
        responseObserver.onNext(reply);
        responseObserver.onCompleted();
    }

    private static RuntimeException otherNode(String what, String named, String authenticated) {
        return Status.PERMISSION_DENIED
                .withDescription("cannot " + what + " as node '" + named + "': the credential was issued to node '"
                        + authenticated + "' (a data plane speaks for its own node only; check --node-id)")
                .asRuntimeException();
    }
}
