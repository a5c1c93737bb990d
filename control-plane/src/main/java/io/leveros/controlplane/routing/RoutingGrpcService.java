package io.leveros.controlplane.routing;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.WatchRoutesRequest;

/** {@code lever.control.v1.Routing}: data planes call {@code WatchRoutes} once and keep the stream open. */
public final class RoutingGrpcService extends RoutingGrpc.RoutingImplBase {
    private final RoutesPublisher publisher;

    public RoutingGrpcService(RoutesPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void watchRoutes(WatchRoutesRequest request, StreamObserver<RoutingSnapshot> responseObserver) {
        String nodeId = request.getNodeId().isBlank() ? "unnamed" : request.getNodeId();
        publisher.subscribe(nodeId, (ServerCallStreamObserver<RoutingSnapshot>) responseObserver);
    }
}
