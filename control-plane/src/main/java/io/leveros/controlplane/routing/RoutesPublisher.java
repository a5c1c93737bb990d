package io.leveros.controlplane.routing;

import io.grpc.stub.ServerCallStreamObserver;
import io.leveros.controlplane.cluster.ScalingTargets;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.proto.control.RoutingSnapshot;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data planes watching the routes and sends each the newest snapshot after every store change,
 * every change of what the nodes serve ({@link NodeRegistry}) and every change of the leader's scaling targets
 * ({@link ScalingTargets}, with the term that decided them).
 * A snapshot's cluster revision grows with each of the last two; it starts from the clock, so it grows
 * across control-plane restarts too.
 *
 * <p>Snapshots are full, so a subscriber needs only the newest: each keeps at most one pending snapshot,
 * sent when its stream can take it (gRPC flow control), replaced if a newer one arrives first. A slow
 * data plane costs one snapshot of memory, and never holds up the others or the writer.
 */
public final class RoutesPublisher {
    private static final Logger log = LoggerFactory.getLogger(RoutesPublisher.class);

    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final ScalingTargets targets;
    private final NodeCredentials credentials;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private long clusterRevision = System.currentTimeMillis() * 1000;
    /** The store compiled at its latest revision: recompiled only when the store changes. */
    private RoutingSnapshot compiledStore;

    private volatile RoutingSnapshot latest;

    /**
     * @param credentials the forwarding key sent with every snapshot (it changes with each revocation),
     *     and the check that a stream's credential is still valid before each snapshot it is sent
     */
    public RoutesPublisher(
            MetadataStore store, NodeRegistry nodes, ScalingTargets targets, NodeCredentials credentials) {
        this.store = store;
        this.nodes = nodes;
        this.targets = targets;
        this.credentials = credentials;
        this.latest = withClusterRevision(build());
        store.addChangeListener(state -> publish());
        nodes.onChange(this::publish);
        targets.onChange(this::publish);
        credentials.onRevocation(this::publish);
    }

    /** The newest snapshot. */
    public RoutingSnapshot current() {
        RoutingSnapshot snapshot = latest;
        if (snapshot.getRevision() < store.snapshot().revision()) {
            snapshot = publish();
        }
        return snapshot;
    }

    /** The store's routes with the nodes and targets of now, without a cluster revision. */
    private synchronized RoutingSnapshot build() {
        StoreSnapshot state = store.snapshot();
        if (compiledStore == null || compiledStore.getRevision() != state.revision()) {
            compiledStore = RoutingSnapshots.of(state);
        }
        ScalingTargets.Decided decided = targets.current();
        return compiledStore.toBuilder()
                .addAllNodes(nodes.known().nodes())
                .addAllTargets(decided.targets())
                .setScalingTerm(decided.term())
                .setForwardingKey(credentials.forwardingKey())
                .build();
    }

    private synchronized RoutingSnapshot withClusterRevision(RoutingSnapshot snapshot) {
        return snapshot.toBuilder().setClusterRevision(++clusterRevision).build();
    }

    /** Called after each change of the store (on the writer's thread), of the nodes or of the targets. */
    private RoutingSnapshot publish() {
        RoutingSnapshot snapshot;
        synchronized (this) {
            snapshot = build();
            if (snapshot.getRevision() < latest.getRevision() || sameContent(snapshot, latest)) {
                return latest;
            }
            snapshot = withClusterRevision(snapshot);
            latest = snapshot;
        }
        for (Subscriber subscriber : subscribers) {
            subscriber.offer(snapshot);
        }
        return snapshot;
    }

    private static boolean sameContent(RoutingSnapshot built, RoutingSnapshot latest) {
        return built.getRevision() == latest.getRevision()
                && built.getNodesList().equals(latest.getNodesList())
                && built.getTargetsList().equals(latest.getTargetsList())
                && built.getScalingTerm() == latest.getScalingTerm()
                && built.getForwardingKey().equals(latest.getForwardingKey());
    }

    /** Orders snapshots: by store revision, then by cluster revision. */
    static boolean newer(RoutingSnapshot snapshot, RoutingSnapshot than) {
        return snapshot.getRevision() > than.getRevision()
                || (snapshot.getRevision() == than.getRevision()
                        && snapshot.getClusterRevision() > than.getClusterRevision());
    }

    /**
     * Adds a data plane's stream: it gets the current snapshot at once, then every newer one while
     * {@code credential} stays valid; the stream of a revoked node is ended instead of being sent the
     * snapshot with the new forwarding key.
     */
    public void subscribe(String nodeId, String credential, ServerCallStreamObserver<RoutingSnapshot> call) {
        Subscriber subscriber = new Subscriber(nodeId, () -> credentials.verify(credential) != null, call);
        call.setOnCancelHandler(() -> {
            subscribers.remove(subscriber);
            subscriber.cancel();
            // A data plane that reconnected may have its new stream open before the old one ends.
            if (subscribers.stream().noneMatch(other -> other.nodeId.equals(nodeId))) {
                nodes.forget(nodeId);
            }
            log.info("Data plane '{}' stopped watching routes ({} watching)", nodeId, subscribers.size());
        });
        call.setOnReadyHandler(subscriber::drain);
        subscribers.add(subscriber);
        log.info("Data plane '{}' watches routes ({} watching)", nodeId, subscribers.size());
        subscriber.offer(current());
    }

    /** How many streams are open, for tests and metrics. */
    public int subscriberCount() {
        return subscribers.size();
    }

    /** Ends the streams of {@code nodeId} (its credential was revoked: it must authenticate again). */
    public void disconnect(String nodeId) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.nodeId.equals(nodeId)) {
                subscribers.remove(subscriber);
                subscriber.complete();
            }
        }
    }

    /** Completes every stream, on shutdown. */
    public void closeAll() {
        for (Subscriber subscriber : subscribers) {
            subscriber.complete();
        }
        subscribers.clear();
    }

    private static final class Subscriber {
        private final String nodeId;
        private final BooleanSupplier member;
        private final ServerCallStreamObserver<RoutingSnapshot> call;
        private RoutingSnapshot pending;
        private RoutingSnapshot sent;
        private boolean closed;

        Subscriber(String nodeId, BooleanSupplier member, ServerCallStreamObserver<RoutingSnapshot> call) {
            this.nodeId = nodeId;
            this.member = member;
            this.call = call;
        }

        synchronized void offer(RoutingSnapshot snapshot) {
            RoutingSnapshot known = pending != null ? pending : sent;
            if (closed || (known != null && !newer(snapshot, known))) {
                return;
            }
            if (!member.getAsBoolean()) {
                log.info("Ending the routes stream of '{}': its credential was revoked", nodeId);
                complete();
                return;
            }
            pending = snapshot;
            drain();
        }

        synchronized void drain() {
            if (closed || pending == null || !call.isReady()) {
                return;
            }
            try {
                call.onNext(pending);
                sent = pending;
                pending = null;
            } catch (RuntimeException e) {
                // The stream was cancelled under us; the cancel handler removes it.
                log.debug("Could not send routes to '{}': {}", nodeId, e.toString());
                closed = true;
            }
        }

        synchronized void cancel() {
            closed = true;
            pending = null;
        }

        synchronized void complete() {
            if (!closed) {
                closed = true;
                try {
                    call.onCompleted();
                } catch (RuntimeException e) {
                    log.debug("Could not close the routes stream of '{}': {}", nodeId, e.toString());
                }
            }
        }
    }
}
