package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.CallOutcome;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.peer.UnreachablePeers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;

/**
 * The last steps of every call, shared by the HTTP and gRPC ingress: take a lease on an instance or a peer
 * node (activation), send the call (forwarding), give the lease back with the call's outcome (counted in
 * the node's reports).
 */
public final class CallForwarder {
    /** How long a failed call waits for its instance's exit to be known, to say why it failed. */
    private static final long EXIT_WAIT_MS = 2_000;

    private final LeaseSource leases;
    private final InstanceClient client;
    private final UnreachablePeers unreachable;
    private final long requestTimeoutMs;

    public CallForwarder(
            LeaseSource leases, InstanceClient client, UnreachablePeers unreachable, long requestTimeoutMs) {
        this.leases = leases;
        this.unreachable = unreachable;
        this.client = client;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * @param rpc the serialized {@code core.RPC}
     * @return the serialized {@code core.RPCReply}, or a {@code CallException}
     */
    public Future<Buffer> forward(Call call, Buffer rpc) {
        return forward(call, rpc, 0, (ContextInternal) Vertx.currentContext());
    }

    /** @param context the caller's, where the call goes on whichever thread grants its lease */
    private Future<Buffer> forward(Call call, Buffer rpc, int detours, ContextInternal context) {
        Future<Lease> leased = leases.acquire(call);
        if (leased.succeeded()) { // a ready instance, the usual case
            return call(leased.result(), call, rpc, detours, context);
        }
        return on(context, leased).compose(lease -> call(lease, call, rpc, detours, context));
    }

    /**
     * Sends the call on {@code lease} and gives the lease back with its outcome. An answer completes
     * the call at once, with no future per step (a future and a listener per step were most of the 0.3
     * KB a relayed call allocated here: docs/benchmarks.md, "Peer proxies"); a failure is explained,
     * and a call that was not delivered placed again.
     */
    private Future<Buffer> call(Lease lease, Call call, Buffer rpc, int detours, ContextInternal context) {
        Promise<Buffer> outcome = context != null ? context.promise() : Promise.promise();
        client.call(lease, call.leverUrl(), call.trace(), rpc, requestTimeoutMs).onComplete(reply -> {
            if (reply.succeeded()) {
                lease.release(CallOutcome.failed(reply));
                outcome.complete(reply.result());
            } else {
                on(context, explained(lease, reply.cause()))
                        .andThen(done -> lease.release(CallOutcome.failed(done)))
                        .recover(failure -> afterFailure(lease, call, rpc, detours, context, failure))
                        .onComplete(outcome);
            }
        });
        return outcome.future();
    }

    /**
     * A call that failed before it reached an instance goes elsewhere: a resource that moved is
     * placed again once; a call an unreachable peer or a refusing instance did not get, at most
     * {@link UnreachablePeers#MAX_DETOURS} times. Any other failure is the call's.
     */
    private Future<Buffer> afterFailure(
            Lease lease, Call call, Buffer rpc, int detours, ContextInternal context, Throwable failure) {
        if (movedOnce(call, lease, failure)) {
            return forward(call.afterMove(lease.resourceEpoch()), rpc, detours, context);
        }
        return InstanceClient.leftOutIfNotDelivered(lease, failure, unreachable)
                        && detours < UnreachablePeers.MAX_DETOURS
                ? forward(call, rpc, detours + 1, context) // nothing was sent: elsewhere
                : Future.failedFuture(failure);
    }

    /**
     * {@code future}, its listeners run in {@code context}: a lease waited for (an instance starting,
     * a resource binding) is granted on whichever event loop got there, and the call must go on, and
     * be answered, on its own connection's loop.
     */
    private static <T> Future<T> on(ContextInternal context, Future<T> future) {
        if (context == null || future.isComplete()) {
            return future;
        }
        Promise<T> here = context.promise();
        future.onComplete(here);
        return here.future();
    }

    /**
     * The call's resource had moved when it reached the node that owned it (refused there before
     * any instance saw it): it is placed again, once.
     */
    private static boolean movedOnce(Call call, Lease lease, Throwable failure) {
        return failure instanceof CallException e
                && e.code() == ErrorCode.RESOURCE_MOVED
                && call.movedEpoch() == 0
                && lease.resourceEpoch() != 0;
    }

    /**
     * An instance that failed during the call may have been killed for going over its {@code ram}:
     * once its exit is known (within a moment) the caller is told so instead of a bare failure.
     */
    private static Future<Buffer> explained(Lease lease, Throwable failure) {
        Instance instance = lease.instance();
        if (instance == null || !(failure instanceof CallException e) || e.code() != ErrorCode.INSTANCE_FAILED) {
            return Future.failedFuture(failure);
        }
        return instance.exited().timeout(EXIT_WAIT_MS, TimeUnit.MILLISECONDS).transform(exit -> {
            if (exit.succeeded() && instance.handle().exceededRam()) {
                return Future.failedFuture(new CallException(
                        ErrorCode.INSTANCE_FAILED,
                        lease.destination() + " was killed during the call: over its "
                                + NodeAgent.ramMb(instance.route().version()) + " MB ram limit (lever.json \"ram\");"
                                + " raise ram or use less memory; the next call starts a new instance"));
            }
            return Future.failedFuture(failure);
        });
    }
}
