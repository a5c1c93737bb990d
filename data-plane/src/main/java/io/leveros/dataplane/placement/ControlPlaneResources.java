package io.leveros.dataplane.placement;

import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.proto.control.BindResourceRequest;
import io.leveros.proto.control.ReleaseResourceReply;
import io.leveros.proto.control.ReleaseResourceRequest;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;
import io.vertx.core.Future;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * {@link ResourceAuthority} over the {@code Routing/BindResource} and {@code ReleaseResource} of the
 * control plane the routes come from.
 */
public final class ControlPlaneResources implements ResourceAuthority {
    private static final System.Logger LOG = System.getLogger(ControlPlaneResources.class.getName());

    /**
     * How long a bind may take: longer than the control plane's hold after it starts (it grants no
     * binding for {@code lever.node-expiry}, 6 s), so a first call then waits instead of failing.
     */
    static final long BIND_TIMEOUT_MS = 10_000;

    private static final ServiceName ROUTING = ServiceName.create("lever.control.v1", "Routing");
    private static final ServiceMethod<ResourceBinding, BindResourceRequest> BIND_RESOURCE = ServiceMethod.client(
            ROUTING,
            "BindResource",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(ResourceBinding.getDefaultInstance()));
    private static final ServiceMethod<ReleaseResourceReply, ReleaseResourceRequest> RELEASE_RESOURCE =
            ServiceMethod.client(
                    ROUTING,
                    "ReleaseResource",
                    GrpcMessageEncoder.encoder(),
                    GrpcMessageDecoder.decoder(ReleaseResourceReply.getDefaultInstance()));

    private final GrpcClient client;
    private final ControlPlanes controlPlanes;
    private final NodeCredential credential;

    /** @param client the data plane's gRPC client for the control plane (h2c), closed by its owner */
    /** @param controlPlanes binds and releases go to the one the routes come from */
    public ControlPlaneResources(GrpcClient client, ControlPlanes controlPlanes, NodeCredential credential) {
        this.client = client;
        this.controlPlanes = controlPlanes;
        this.credential = credential;
    }

    @Override
    public Future<ResourceBinding> bind(ResourceKey key, boolean canHost) {
        BindResourceRequest request =
                BindResourceRequest.newBuilder().setKey(key).setCanHost(canHost).build();
        return credential
                .request(client, controlPlanes.routesFrom(), BIND_RESOURCE)
                .compose(call -> call.send(request))
                .compose(response -> response.last())
                .timeout(BIND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void release(ResourceKey key, long epoch) {
        ReleaseResourceRequest request =
                ReleaseResourceRequest.newBuilder().setKey(key).setEpoch(epoch).build();
        credential
                .request(client, controlPlanes.routesFrom(), RELEASE_RESOURCE)
                .compose(call -> call.send(request))
                .compose(response -> response.last())
                .onFailure(failure -> LOG.log(
                        Level.DEBUG,
                        "could not release resource {0}: {1} (the control plane drops it with this node''s" + " lease)",
                        key.getResource(),
                        failure.toString()));
    }
}
