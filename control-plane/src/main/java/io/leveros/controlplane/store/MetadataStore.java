package io.leveros.controlplane.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where the control plane keeps environments, services and versions.
 *
 * <p>Reads take a {@link #snapshot()}; each write is atomic and durable when it returns, bumps the
 * revision, and is then announced to the change listeners. Implementations: {@link FileMetadataStore}
 * (embedded, single node) and {@link RedisMetadataStore} (shared by the control planes of a cluster);
 * both apply the rules of {@link StoreDraft}. {@code MetadataStoreContract} tests both.
 *
 * <p>Writes throw {@link io.leveros.controlplane.ControlPlaneException} for the refusals named below.
 */
public interface MetadataStore extends AutoCloseable {

    /** The current state; never blocks on a writer. */
    StoreSnapshot snapshot();

    /**
     * Creates an environment.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code ENVIRONMENT_EXISTS}
     */
    EnvironmentRecord createEnvironment(String name);

    /**
     * Deletes an environment; one with deployed services only when {@code withServices} (they are
     * deleted with it, and their instances stop as their routes go).
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}, {@code
     *     DEFAULT_ENVIRONMENT}, {@code ENVIRONMENT_NOT_EMPTY}
     */
    void deleteEnvironment(String name, boolean withServices);

    /**
     * Takes the next version number of a service (1, 2, ...), creating the service record if needed
     * (it stays invisible until a version is committed). Concurrent callers get distinct numbers; a
     * number is never handed out twice, even if the deploy that took it fails.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}
     */
    long reserveVersion(String environment, String service);

    /**
     * Records a version whose code is in place. A service's first version is live at once; a later one
     * starts ({@link ServiceRecord#startingVersion}) and goes live by {@link #finishStart}, unless a
     * higher version is live or starting meanwhile. Returns the service record after the change.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}
     */
    ServiceRecord commitVersion(VersionRecord version);

    /**
     * Starts a kept version of a service to replace the live one (a rollback); the live version itself
     * cancels any start.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}, {@code
     *     SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND}
     */
    ServiceRecord startVersion(String environment, String service, long version);

    /** The starting version is ready and becomes live; nothing changes if another one is starting by now. */
    ServiceRecord finishStart(String environment, String service, long version);

    /**
     * The starting version cannot start: it is recorded as failed with {@code reason} and the live version
     * stays; nothing changes if another one is starting by now.
     */
    ServiceRecord failStart(String environment, String service, long version, String reason);

    /**
     * Splits a service's calls between kept versions (an empty list clears the split); the version with
     * the largest share becomes the live one.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code
     *     VERSION_NOT_FOUND}, {@code INVALID_TRAFFIC_SPLIT}
     */
    ServiceRecord splitTraffic(String environment, String service, List<TrafficShare> shares);

    /**
     * Forgets the versions of a service beyond its newest {@code keep} (at least 1), never the live,
     * starting or split one; returns those it forgot. Their code is removed by whoever keeps it ({@code CodeArchives}).
     */
    List<VersionRecord> dropOldVersions(String environment, String service, int keep);

    /**
     * Called with the new snapshot after every committed change, in revision order: on the writer's
     * thread, or for a change made elsewhere (another control plane on the same Redis) on the store's
     * reload thread.
     */
    void addChangeListener(Consumer<StoreSnapshot> listener);

    @Override
    void close();
}
