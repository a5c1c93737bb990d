package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.routing.ServiceRoute;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The last steps of every call, shared by the HTTP and gRPC ingress: take a lease on an instance or a peer
 * node (activation), send the call (forwarding), give the lease back.
 */
public final class CallForwarder {
    private final LeaseSource leases;
    private final InstanceClient client;
    private final long requestTimeoutMs;

    public CallForwarder(LeaseSource leases, InstanceClient client, long requestTimeoutMs) {
        this.leases = leases;
        this.client = client;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * @param leverUrl the absolute URL of the call, sent as {@code lever-url}
     * @param rpc the serialized {@code core.RPC}
     * @return the serialized {@code core.RPCReply}, or a {@code CallException}
     */
    public Future<Buffer> forward(ServiceRoute route, String leverUrl, Buffer rpc) {
        return leases.acquire(route).compose(lease -> call(lease, leverUrl, rpc));
    }

    private Future<Buffer> call(Lease lease, String leverUrl, Buffer rpc) {
        return client.call(lease, leverUrl, rpc, requestTimeoutMs).andThen(done -> lease.release());
    }
}
