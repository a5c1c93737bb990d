package io.leveros.controlplane.routing;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leveros.controlplane.node.NodeAuthentication;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceReportAck;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;

/**
 * {@code lever.control.v1.Routing}: data planes call {@code WatchRoutes} once and keep the stream open,
 * and {@code ReportInstances} after every change of what they serve and every couple of seconds. Every
 * call has passed {@link NodeAuthentication}: a data plane watches and reports as its own node only.
 */
public final class RoutingGrpcService extends RoutingGrpc.RoutingImplBase {
    private final RoutesPublisher publisher;
    private final NodeRegistry nodes;

    public RoutingGrpcService(RoutesPublisher publisher, NodeRegistry nodes) {
        this.publisher = publisher;
        this.nodes = nodes;
    }

    @Override
    public void watchRoutes(WatchRoutesRequest request, StreamObserver<RoutingSnapshot> responseObserver) {
        String nodeId = NodeAuthentication.NODE.get();
        if (!request.getNodeId().isBlank() && !request.getNodeId().equals(nodeId)) {
            responseObserver.onError(otherNode("watch routes", request.getNodeId(), nodeId));
            return;
        }
        publisher.subscribe(nodeId, (ServerCallStreamObserver<RoutingSnapshot>) responseObserver);
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
        responseObserver.onNext(InstanceReportAck.getDefaultInstance());
        responseObserver.onCompleted();
    }

    private static RuntimeException otherNode(String what, String named, String authenticated) {
        return Status.PERMISSION_DENIED
                .withDescription("cannot " + what + " as node '" + named + "': the credential was issued to node '"
                        + authenticated + "' (a data plane speaks for its own node only; check --node-id)")
                .asRuntimeException();
    }
}
