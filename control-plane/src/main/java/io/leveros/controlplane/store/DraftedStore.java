package io.leveros.controlplane.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both backends share: every write is a {@link StoreDraft} change (the rules live there once),
 * applied atomically and durably by the backend's {@link #write}, and every new snapshot is announced
 * to the same list of listeners.
 */
abstract class DraftedStore implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(DraftedStore.class);

    private final List<Consumer<StoreSnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** Applies {@code change} to the current state and makes the result current; announces it. */
    abstract <T> T write(Function<StoreDraft, T> change);

    @Override
    public final EnvironmentRecord createEnvironment(String name) {
        return write(draft -> draft.createEnvironment(name));
    }

    @Override
    public final void deleteEnvironment(String name, boolean withServices) {
        write(draft -> draft.deleteEnvironment(name, withServices));
    }

    @Override
    public final long reserveVersion(String environment, String service) {
        return write(draft -> draft.reserveVersion(environment, service));
    }

    @Override
    public final ServiceRecord commitVersion(VersionRecord version) {
        return write(draft -> draft.commitVersion(version));
    }

    @Override
    public final ServiceRecord startVersion(String environment, String service, long version) {
        return write(draft -> draft.startVersion(environment, service, version));
    }

    @Override
    public final ServiceRecord splitTraffic(String environment, String service, List<TrafficShare> shares) {
        return write(draft -> draft.splitTraffic(environment, service, shares));
    }

    @Override
    public final ServiceRecord finishStart(String environment, String service, long version) {
        return write(draft -> draft.finishStart(environment, service, version));
    }

    @Override
    public final ServiceRecord failStart(String environment, String service, long version, String reason) {
        return write(draft -> draft.failStart(environment, service, version, reason));
    }

    @Override
    public final List<VersionRecord> dropOldVersions(String environment, String service, int keep) {
        return write(draft -> draft.dropOldVersions(environment, service, keep));
    }

    @Override
    public final void addChangeListener(Consumer<StoreSnapshot> listener) {
        listeners.add(listener);
    }

    /** Tells every listener of {@code snapshot}; one that fails does not keep it from the others. */
    final void announce(StoreSnapshot snapshot) {
        for (Consumer<StoreSnapshot> listener : listeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.warn("A store change listener failed on revision {}", snapshot.revision(), e);
            }
        }
    }

    /** No more announcements (the store is closing). */
    final void stopAnnouncing() {
        listeners.clear();
    }
}
