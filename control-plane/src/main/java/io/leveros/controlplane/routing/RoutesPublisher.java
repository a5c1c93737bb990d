package io.leveros.controlplane.routing;

import io.grpc.stub.ServerCallStreamObserver;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.proto.control.RoutingSnapshot;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data planes watching the routes and sends each the newest snapshot after every store change.
 *
 * <p>Snapshots are full, so a subscriber needs only the newest: each keeps at most one pending snapshot,
 * sent when its stream can take it (gRPC flow control), replaced if a newer one arrives first. A slow
 * data plane costs one snapshot of memory, and never holds up the others or the writer.
 */
public final class RoutesPublisher {
    private static final Logger log = LoggerFactory.getLogger(RoutesPublisher.class);

    private final MetadataStore store;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private volatile RoutingSnapshot latest;

    public RoutesPublisher(MetadataStore store) {
        this.store = store;
        this.latest = RoutingSnapshots.of(store.snapshot());
        store.addChangeListener(this::publish);
    }

    /** The newest snapshot. */
    public RoutingSnapshot current() {
        RoutingSnapshot snapshot = latest;
        StoreSnapshot state = store.snapshot();
        if (snapshot.getRevision() < state.revision()) {
            snapshot = RoutingSnapshots.of(state);
            latest = snapshot;
        }
        return snapshot;
    }

    /** Called by the store after each change, on the writer's thread. */
    void publish(StoreSnapshot state) {
        RoutingSnapshot snapshot = RoutingSnapshots.of(state);
        synchronized (this) {
            if (snapshot.getRevision() > latest.getRevision()) {
                latest = snapshot;
            }
        }
        for (Subscriber subscriber : subscribers) {
            subscriber.offer(snapshot);
        }
    }

    /** Adds a data plane's stream: it gets the current snapshot at once, then every newer one. */
    public void subscribe(String nodeId, ServerCallStreamObserver<RoutingSnapshot> call) {
        Subscriber subscriber = new Subscriber(nodeId, call);
        call.setOnCancelHandler(() -> {
            subscribers.remove(subscriber);
            subscriber.cancel();
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

    /** Completes every stream, on shutdown. */
    public void closeAll() {
        for (Subscriber subscriber : subscribers) {
            subscriber.complete();
        }
        subscribers.clear();
    }

    private static final class Subscriber {
        private final String nodeId;
        private final ServerCallStreamObserver<RoutingSnapshot> call;
        private RoutingSnapshot pending;
        private long sentRevision = -1;
        private boolean closed;

        Subscriber(String nodeId, ServerCallStreamObserver<RoutingSnapshot> call) {
            this.nodeId = nodeId;
            this.call = call;
        }

        synchronized void offer(RoutingSnapshot snapshot) {
            long known = pending != null ? pending.getRevision() : sentRevision;
            if (closed || snapshot.getRevision() <= known) {
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
                sentRevision = pending.getRevision();
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
