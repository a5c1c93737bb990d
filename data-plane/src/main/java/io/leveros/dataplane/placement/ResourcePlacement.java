package io.leveros.dataplane.placement;

import io.leveros.core.json.JsonValues;
import io.leveros.core.url.LeverUrl;
import io.leveros.core.url.LeverUrlHeader;
import io.leveros.dataplane.activator.Activator;
import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.activator.ResourceHolder;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.peer.Peer;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.tracing.TraceContext;
import io.leveros.proto.control.ResourceActivity;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where calls that name a resource go: to the one instance that holds it, on this node or on the
 * node that owns it (docs/resources.md). Plain calls go to the activator's balancing unchanged.
 *
 * <p>A resource is bound the first time a call names it: the control plane (the {@link
 * ResourceAuthority}) says which node owns it; the owner picks one of its instances (the one with
 * most room), calls its {@code NewResource}, and only then delivers calls. Concurrent first calls
 * share one bind. Warm calls are one map lookup. A binding ends after the version's {@code
 * resourceIdleTimeout} without a call ({@code CloseResource}, then released), when its instance
 * drains (its calls in flight end, then {@code CloseResource}) or exits, and when this node's
 * {@link ControlPlaneLease} lapses or the control plane restarts.
 *
 * <p>Thread-safety: calls arrive on any event loop; the maps are concurrent, a binding guards its
 * own counters.
 */
public final class ResourcePlacement implements ResourceHolder {
    private static final System.Logger LOG = System.getLogger(ResourcePlacement.class.getName());
    static final String NEW_RESOURCE = "NewResource";
    static final String CLOSE_RESOURCE = "CloseResource";
    private static final Buffer NO_ARGUMENTS = Buffer.buffer(
            RPC.newBuilder().setArgs(JSONArray.getDefaultInstance()).build().toByteArray());

    private final Vertx vertx;
    private final Activator activator;
    private final ResourceAuthority authority;
    private final ControlPlaneLease lease;
    private final InstanceClient client;
    private final String nodeId;
    private final long requestTimeoutMs;
    /** Every binding this node knows, or its bind in progress, by {@link #key}. */
    private final Map<String, Future<BoundResource>> bindings = new ConcurrentHashMap<>();
    /** The local bindings of each instance. */
    private final Map<Instance, Set<BoundResource>> byInstance = new ConcurrentHashMap<>();
    /** The most resources one instance report lists as called (each ~100 bytes of a 4 MiB message). */
    static final int MAX_REPORTED_ACTIVITY = 10_000;

    /** Local bindings called since the last report, by version ({@code env/service/version}). */
    private final Map<String, Map<String, BoundResource>> called = new ConcurrentHashMap<>();
    /** {@code env/service/version/method} of lifecycle methods a version lacks, logged once. */
    private final Set<String> missingLifecycle = ConcurrentHashMap.newKeySet();

    public ResourcePlacement(
            Vertx vertx,
            Activator activator,
            ResourceAuthority authority,
            ControlPlaneLease lease,
            InstanceClient client,
            String nodeId,
            long requestTimeoutMs) {
        this.vertx = vertx;
        this.activator = activator;
        this.authority = authority;
        this.lease = lease;
        this.client = client;
        this.nodeId = nodeId;
        this.requestTimeoutMs = requestTimeoutMs;
        activator.holdResourcesWith(this);
    }

    /** Leases for calls that came in on this node: resource calls here, plain ones balanced. */
    public LeaseSource forIngress() {
        return call -> call.hasResource() ? acquire(call, false) : activator.acquire(call.route());
    }

    /** Leases for calls another node forwarded: always served here, resource calls fenced. */
    public LeaseSource forForwarded() {
        return call -> call.hasResource() ? acquire(call, true) : activator.acquireLocal(call.route());
    }

    /** {@code env/service/version/resource}: unambiguous, as names of environments and services have no '/'. */
    static String key(Call call) {
        return call.route().poolKey() + "/" + call.resource();
    }

    Future<Lease> acquire(Call call, boolean forwarded) {
        long now = System.nanoTime();
        if (!lease.valid(now)) {
            return Future.failedFuture(new CallException(
                    ErrorCode.NO_INSTANCE,
                    "cannot confirm which instance holds resource '" + call.resource() + "': this node has had no"
                            + " answer from the control plane "
                            + (lease.sinceAckMs(now) < 0 ? "yet" : "for " + lease.sinceAckMs(now) + " ms")
                            + " (calls that name a resource need it; plain calls still work); retry shortly"));
        }
        String key = key(call);
        if (call.movedEpoch() != 0) {
            Future<BoundResource> known = bindings.get(key);
            if (known != null && known.succeeded() && known.result().epoch == call.movedEpoch()) {
                forget(known.result(), false);
            }
        }
        return acquire(call, key, forwarded, true);
    }

    private Future<Lease> acquire(Call call, String key, boolean forwarded, boolean mayRebind) {
        Future<BoundResource> binding = bindings.get(key);
        if (binding == null) {
            Promise<BoundResource> binding0 = Promise.promise();
            binding = bindings.putIfAbsent(key, binding0.future());
            if (binding == null) {
                binding = binding0.future();
                bind(call, key, binding0);
            }
        }
        if (binding.succeeded()) { // the warm path: no allocation beyond the lease
            return deliver(call, key, binding.result(), forwarded, mayRebind);
        }
        return binding.compose(bound -> deliver(call, key, bound, forwarded, mayRebind));
    }

    private Future<Lease> deliver(Call call, String key, BoundResource bound, boolean forwarded, boolean mayRebind) {
        if (!bound.isLocal()) {
            if (forwarded) {
                return Future.failedFuture(ResourceEpoch.refused(
                        call.resource(), call.resourceEpoch(), "node '" + bound.ownerNode + "' holds it now"));
            }
            bound.lastCallNanos = System.nanoTime();
            return Future.succeededFuture(
                    Lease.onResourceOwner(bound.ownerAddress, bound.ownerNode, bound.epoch, call.route()));
        }
        if (forwarded && call.resourceEpoch() != bound.epoch) {
            if (call.resourceEpoch() < bound.epoch || !mayRebind) {
                return Future.failedFuture(ResourceEpoch.refused(
                        call.resource(), call.resourceEpoch(), "this node holds it with epoch " + bound.epoch));
            }
            // The sender knows a newer binding than ours: ours lapsed unnoticed. Ask again.
            forget(bound, true);
            return acquire(call, key, true, false);
        }
        if (bound.closing()) {
            return bound.closed().compose(v -> acquire(call, key, forwarded, false));
        }
        Lease leased = activator.leaseOnBound(bound.instance);
        if (leased == null || !bound.callStarted()) {
            if (leased != null) {
                leased.release();
            }
            if (!mayRebind) {
                return Future.failedFuture(new CallException(
                        ErrorCode.NO_INSTANCE,
                        "resource '" + call.resource() + "' is moving to another instance; retry"));
            }
            if (!bound.closing()) {
                forget(bound, true); // its instance drains or exited
            }
            return bound.closing()
                    ? bound.closed().compose(v -> acquire(call, key, forwarded, false))
                    : acquire(call, key, forwarded, false);
        }
        leased.onRelease(bound::callEnded);
        called.computeIfAbsent(call.route().poolKey(), k -> new ConcurrentHashMap<>())
                .put(bound.resource(), bound);
        return Future.succeededFuture(leased);
    }

    /** Asks the authority who owns the resource; when it is this node, binds it to an instance here. */
    private void bind(Call call, String key, Promise<BoundResource> result) {
        ServiceRoute route = call.route();
        ResourceKey resourceKey = ResourceKey.newBuilder()
                .setEnvironment(route.environment())
                .setService(route.service())
                .setVersion(route.versionNumber())
                .setResource(call.resource())
                .build();
        authority.bind(resourceKey, activator.hasRoomForResource(route)).onComplete(asked -> {
            if (asked.failed()) {
                failBind(
                        key,
                        result,
                        new CallException(
                                ErrorCode.NO_INSTANCE,
                                "could not bind resource '" + call.resource() + "' of service '" + route.service()
                                        + "': the control plane did not answer ("
                                        + asked.cause().getMessage()
                                        + "); retry shortly"));
                return;
            }
            ResourceBinding binding = asked.result();
            if (!binding.getNodeId().equals(nodeId)) {
                try {
                    result.complete(BoundResource.remote(
                            key,
                            resourceKey,
                            route.resourceIdleTimeoutMs(),
                            binding.getEpoch(),
                            binding.getNodeId(),
                            Peer.address(binding.getForwardingAddress())));
                } catch (IllegalArgumentException e) {
                    failBind(key, result, new CallException(ErrorCode.NO_INSTANCE, e.getMessage()));
                }
                return;
            }
            bindHere(call, key, resourceKey, binding.getEpoch(), result);
        });
    }

    /** Picks the instance here with most room, calls its {@code NewResource}, and only then delivers. */
    private void bindHere(Call call, String key, ResourceKey resourceKey, long epoch, Promise<BoundResource> result) {
        activator.acquireForResource(call.route()).onComplete(leased -> {
            if (leased.failed()) {
                authority.release(resourceKey, epoch);
                failBind(key, result, leased.cause());
                return;
            }
            Lease opening = leased.result();
            Instance instance = opening.instance();
            lifecycle(opening, call.route(), call.resource(), NEW_RESOURCE).onComplete(opened -> {
                opening.release();
                if (opened.failed()) {
                    instance.resourceUnbound();
                    authority.release(resourceKey, epoch);
                    failBind(key, result, opened.cause());
                    return;
                }
                BoundResource bound = BoundResource.local(
                        key, resourceKey, call.route().resourceIdleTimeoutMs(), epoch, instance, nodeId);
                byInstance
                        .computeIfAbsent(instance, i -> ConcurrentHashMap.newKeySet())
                        .add(bound);
                result.complete(bound);
            });
        });
    }

    private void failBind(String key, Promise<BoundResource> result, Throwable cause) {
        bindings.remove(key, result.future());
        result.fail(cause);
    }

    /**
     * Calls {@code NewResource} or {@code CloseResource} on the lease's instance. A version without
     * the method is logged once and treated as done; an error the method raises fails the future.
     */
    private Future<Void> lifecycle(Lease on, ServiceRoute route, String resource, String method) {
        String url = LeverUrlHeader.format(new LeverUrl(route.environment(), route.service(), resource, method));
        return client.call(on, url, TraceContext.NONE, NO_ARGUMENTS, requestTimeoutMs)
                .transform(reply -> {
                    if (reply.failed()) {
                        if (reply.cause() instanceof CallException e && e.code() == ErrorCode.METHOD_NOT_FOUND) {
                            if (missingLifecycle.add(route.poolKey() + "/" + method)) {
                                LOG.log(
                                        Level.INFO,
                                        "{0} has no {1} method: resources are bound without it",
                                        route.versionName(),
                                        method);
                            }
                            return Future.succeededFuture();
                        }
                        return Future.failedFuture(reply.cause());
                    }
                    String error = serviceError(reply.result());
                    if (error != null) {
                        return Future.failedFuture(new CallException(
                                ErrorCode.INSTANCE_FAILED,
                                on.destination() + ": " + method + " of resource '" + resource + "' raised an error: "
                                        + error));
                    }
                    return Future.succeededFuture();
                });
    }

    /** The error a serialized {@code RPCReply} carries, as text; {@code null} for a result. */
    private static String serviceError(Buffer reply) {
        try {
            RPCReply parsed = RPCReply.parseFrom(reply.getBytes());
            if (parsed.hasError()) {
                return JsonValues.toJsonString(parsed.getError());
            }
            return parsed.hasByteError() ? parsed.getByteError().size() + " bytes" : null;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return "(an unreadable reply: " + e.getMessage() + ")";
        }
    }

    /**
     * Drops a binding this node knows; a local one is given up at the authority when {@code
     * release} (its instance no longer holds the resource).
     */
    private void forget(BoundResource bound, boolean release) {
        bindings.computeIfPresent(bound.key, (k, known) -> known.succeeded() && known.result() == bound ? null : known);
        if (bound.isLocal()) {
            Set<BoundResource> held = byInstance.get(bound.instance);
            if (held != null && held.remove(bound)) {
                bound.instance.resourceUnbound();
                if (release) {
                    authority.release(bound.resourceKey, bound.epoch);
                }
            }
        }
        bound.finishClosing();
    }

    /**
     * Closes a local binding: waits for its calls in flight, calls {@code CloseResource} on
     * {@code on} (a lease on its instance, released here when {@code releaseOn}), then gives the
     * binding up.
     */
    private Future<Void> close(BoundResource bound, Lease on, boolean releaseOn) {
        Promise<Void> done = Promise.promise();
        boolean started =
                bound.closeWhenIdle(() -> lifecycle(on, bound.instance.route(), bound.resource(), CLOSE_RESOURCE)
                        .onComplete(closed -> {
                            if (closed.failed()) {
                                LOG.log(
                                        Level.WARNING,
                                        "{0}: CloseResource of resource ''{1}'' failed: {2}",
                                        bound.instance,
                                        bound.resource(),
                                        closed.cause().getMessage());
                            }
                            if (releaseOn) {
                                on.release();
                            }
                            forget(bound, true);
                            done.complete();
                        }));
        if (!started) {
            if (releaseOn) {
                on.release();
            }
            done.complete();
        }
        return done.future();
    }

    @Override
    public void draining(Instance instance, Lease closing) {
        Set<BoundResource> held = byInstance.getOrDefault(instance, Set.of());
        List<Future<Void>> closes = new ArrayList<>(held.size());
        for (BoundResource bound : List.copyOf(held)) {
            closes.add(close(bound, closing, false));
        }
        Future.join(closes).onComplete(all -> closing.release());
    }

    @Override
    public void exited(Instance instance) {
        Set<BoundResource> held = byInstance.getOrDefault(instance, Set.of());
        for (BoundResource bound : List.copyOf(held)) {
            forget(bound, true);
        }
        byInstance.remove(instance);
    }

    /**
     * Closes the local bindings idle longer than their version's {@code resourceIdleTimeout} and
     * forgets the idle ones other nodes hold; drops every binding when the lease lapsed.
     */
    public void expireIdle(long nowNanos) {
        boolean lapsed = !lease.valid(nowNanos);
        for (Future<BoundResource> known : bindings.values()) {
            if (!known.succeeded()) {
                continue;
            }
            BoundResource bound = known.result();
            if (!lapsed && !bound.idleSince(nowNanos - bound.idleTimeoutNanos)) {
                continue;
            }
            if (!bound.isLocal()) {
                forget(bound, false);
                continue;
            }
            Lease on = activator.leaseOnBound(bound.instance);
            if (on == null) {
                continue; // it drains (closed by that) or exited (forgotten by that)
            }
            close(bound, on, true);
        }
    }

    /**
     * A report was acknowledged by control plane {@code controlPlaneId}; a new one knows none of
     * this node's bindings, so they are all closed.
     */
    public void acknowledged(String controlPlaneId) {
        if (lease.acked(controlPlaneId, System.nanoTime())) {
            LOG.log(Level.INFO, "the control plane restarted: closing this node''s resource bindings");
            dropAll();
        }
    }

    private void dropAll() {
        for (Future<BoundResource> known : bindings.values()) {
            if (!known.succeeded()) {
                continue;
            }
            BoundResource bound = known.result();
            Lease on = bound.isLocal() ? activator.leaseOnBound(bound.instance) : null;
            if (on == null) {
                forget(bound, false);
            } else {
                close(bound, on, true);
            }
        }
    }

    /**
     * The resources called since the last call of this, by version, for the instance report: at
     * most {@link #MAX_REPORTED_ACTIVITY} (a report stays far below gRPC's 4 MiB message limit);
     * the others wait for the next report.
     */
    public Map<String, List<ResourceActivity>> calledSinceLastReport() {
        Map<String, List<ResourceActivity>> activity = new HashMap<>();
        long nowUnixMs = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        int taken = 0;
        for (Map.Entry<String, Map<String, BoundResource>> version : called.entrySet()) {
            List<ResourceActivity> list = new ArrayList<>();
            for (var resources = version.getValue().values().iterator();
                    resources.hasNext() && taken < MAX_REPORTED_ACTIVITY;
                    taken++) {
                BoundResource bound = resources.next();
                resources.remove();
                list.add(ResourceActivity.newBuilder()
                        .setResource(bound.resource())
                        .setInstanceId(bound.instance.id())
                        .setEpoch(bound.epoch)
                        .setLastCallUnixMs(nowUnixMs - (nowNanos - bound.lastCallNanos) / 1_000_000)
                        .build());
            }
            if (!list.isEmpty()) {
                activity.put(version.getKey(), list);
            }
        }
        return activity;
    }

    /** How many bindings this node knows (its own and other nodes'), for tests and diagnostics. */
    public int knownBindings() {
        return bindings.size();
    }
}
