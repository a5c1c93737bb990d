package io.leveros.controlplane.store;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.core.environment.EnvironmentNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A mutable copy of one snapshot that one write changes, and the rules of every write. Both backends
 * apply a write the same way: copy the current snapshot into a draft, call one of the operations below
 * (which either changes the draft or throws without a visible change), then store the result. The rules
 * live here once, so the file and Redis stores cannot disagree on them.
 */
final class StoreDraft {
    final Instant now;
    final List<EnvironmentRecord> environments;
    final List<ServiceRecord> services;
    final List<VersionRecord> versions;

    StoreDraft(StoreSnapshot from, Instant now) {
        this.now = now;
        this.environments = new ArrayList<>(from.environments());
        this.services = new ArrayList<>(from.allServices());
        this.versions = new ArrayList<>(from.allVersions());
    }

    StoreSnapshot toSnapshot(long revision) {
        return new StoreSnapshot(revision, environments, services, versions);
    }

    EnvironmentRecord createEnvironment(String name) {
        if (environments.stream().anyMatch(e -> e.name().equals(name))) {
            throw new ControlPlaneException(ErrorCode.ENVIRONMENT_EXISTS, "environment '" + name + "' already exists");
        }
        EnvironmentRecord environment = new EnvironmentRecord(name, now);
        environments.add(environment);
        return environment;
    }

    Void deleteEnvironment(String name, boolean withServices) {
        requireEnvironment(name);
        if (name.equals(EnvironmentNames.DEFAULT)) {
            throw new ControlPlaneException(
                    ErrorCode.DEFAULT_ENVIRONMENT,
                    "environment '" + name + "' is the default environment and cannot be deleted");
        }
        List<String> deployed = services.stream()
                .filter(s -> s.environment().equals(name) && s.deployed())
                .map(ServiceRecord::name)
                .toList();
        if (!deployed.isEmpty() && !withServices) {
            throw new ControlPlaneException(
                    ErrorCode.ENVIRONMENT_NOT_EMPTY,
                    "environment '" + name + "' still has services " + deployed
                            + " (expected: an empty environment; to stop and delete them with it: lever env delete "
                            + name + " --with-services, or DELETE with ?withServices=true)");
        }
        environments.removeIf(e -> e.name().equals(name));
        services.removeIf(s -> s.environment().equals(name));
        versions.removeIf(v -> v.environment().equals(name));
        return null;
    }

    long reserveVersion(String environment, String service) {
        requireEnvironment(environment);
        int index = serviceIndex(environment, service);
        if (index < 0) {
            services.add(new ServiceRecord(environment, service, "", false, 0, 2, now, now, 0, 0, null, List.of()));
            return 1L;
        }
        ServiceRecord old = services.get(index);
        long version = Math.max(1, old.nextVersion());
        services.set(index, withVersions(old, old.liveVersion(), version + 1, old.startingVersion(), old.updatedAt()));
        return version;
    }

    /**
     * Records a version. A service's first version is live at once (nothing else could serve its calls)
     * and starting; a later one starts, and goes live once it is ready ({@link #finishStart}), unless a
     * higher version is live or starting by then. Committing a version again changes only its record.
     */
    ServiceRecord commitVersion(VersionRecord version) {
        requireEnvironment(version.environment());
        versions.removeIf(v -> v.environment().equals(version.environment())
                && v.service().equals(version.service())
                && v.version() == version.version());
        versions.add(version);
        int index = serviceIndex(version.environment(), version.service());
        ServiceRecord old = index >= 0
                ? services.get(index)
                : new ServiceRecord(
                        version.environment(),
                        version.service(),
                        "",
                        false,
                        0,
                        version.version() + 1,
                        now,
                        now,
                        0,
                        0,
                        null,
                        List.of());
        long nextVersion = Math.max(old.nextVersion(), version.version() + 1);
        ServiceRecord updated;
        if (!old.deployed()) {
            updated = live(old, version, nextVersion, version.version(), List.of());
        } else if (version.version() > old.liveVersion() && version.version() >= old.startingVersion()) {
            updated = withVersions(old, old.liveVersion(), nextVersion, version.version(), now);
        } else if (version.version() == old.liveVersion()) {
            updated = live(old, version, nextVersion, old.startingVersion(), old.traffic());
        } else {
            updated = withVersions(old, old.liveVersion(), nextVersion, old.startingVersion(), now);
        }
        if (index >= 0) {
            services.set(index, updated);
        } else {
            services.add(updated);
        }
        return updated;
    }

    /**
     * Starts a kept version of a service to replace the live one (a rollback); naming the live version
     * cancels the start of any other.
     *
     * @throws ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND} (naming the
     *     kept versions)
     */
    ServiceRecord startVersion(String environment, String service, long version) {
        ServiceRecord old = deployedService(environment, service);
        keptVersion(environment, service, version);
        ServiceRecord updated = withVersions(
                old, old.liveVersion(), old.nextVersion(), version == old.liveVersion() ? 0 : version, now);
        services.set(serviceIndex(environment, service), updated);
        return updated;
    }

    /**
     * The starting {@code version} is ready: it becomes live. Changes nothing when another version is
     * starting by now (a later deploy or rollback replaced this one).
     */
    ServiceRecord finishStart(String environment, String service, long version) {
        ServiceRecord old = deployedService(environment, service);
        if (old.startingVersion() != version) {
            return old;
        }
        ServiceRecord updated = live(old, keptVersion(environment, service, version), old.nextVersion(), 0, List.of());
        services.set(serviceIndex(environment, service), updated);
        return updated;
    }

    /**
     * The starting {@code version} cannot start: it stops starting and is recorded as failed with {@code
     * reason}; the live version stays. Changes nothing when another version is starting by now.
     */
    ServiceRecord failStart(String environment, String service, long version, String reason) {
        ServiceRecord old = deployedService(environment, service);
        if (old.startingVersion() != version) {
            return old;
        }
        ServiceRecord updated = withStartAndTraffic(old, 0, version, reason, old.traffic());
        services.set(serviceIndex(environment, service), updated);
        return updated;
    }

    /**
     * Splits the service's calls between kept versions ({@code lever traffic}); the version with the
     * largest share (the newest among equals) becomes {@code liveVersion}. No share clears the split:
     * every call goes to the live version again.
     *
     * @throws ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND}, {@code
     *     INVALID_TRAFFIC_SPLIT} (a share not 1-99 percent, shares not adding up to 100, a version twice or
     *     more than {@value #MAX_SPLIT} versions)
     */
    ServiceRecord splitTraffic(String environment, String service, List<TrafficShare> shares) {
        ServiceRecord old = deployedService(environment, service);
        if (shares.isEmpty()) {
            ServiceRecord cleared =
                    withStartAndTraffic(old, old.startingVersion(), old.failedVersion(), old.startFailure(), List.of());
            services.set(serviceIndex(environment, service), cleared);
            return cleared;
        }
        if (shares.size() < 2 || shares.size() > MAX_SPLIT) {
            throw invalidSplit("name 2 to " + MAX_SPLIT + " versions (found " + shares.size()
                    + "); to send every call to one version, roll back to it or clear the split");
        }
        int total = 0;
        TrafficShare largest = null;
        Set<Long> seen = new HashSet<>();
        for (TrafficShare share : shares) {
            if (share == null) {
                throw invalidSplit("a share is null (expected {\"version\": N, \"percent\": P})");
            }
            if (share.percent() < 1 || share.percent() > 99) {
                throw invalidSplit("v" + share.version() + " has " + share.percent() + "% (expected 1 to 99)");
            }
            if (!seen.add(share.version())) {
                throw invalidSplit("v" + share.version() + " is named twice");
            }
            keptVersion(environment, service, share.version());
            total += share.percent();
            if (largest == null
                    || share.percent() > largest.percent()
                    || (share.percent() == largest.percent() && share.version() > largest.version())) {
                largest = share;
            }
        }
        if (total != 100) {
            throw invalidSplit("the shares add up to " + total + "% (expected 100)");
        }
        ServiceRecord split = live(
                old,
                keptVersion(environment, service, largest.version()),
                old.nextVersion(),
                old.startingVersion(),
                shares);
        services.set(serviceIndex(environment, service), split);
        return split;
    }

    /** The most versions one split names. */
    static final int MAX_SPLIT = 4;

    private static ControlPlaneException invalidSplit(String what) {
        return new ControlPlaneException(ErrorCode.INVALID_TRAFFIC_SPLIT, "invalid traffic split: " + what);
    }

    /** {@code old} with {@code version} live; a failure recorded for that version is forgotten. */
    private ServiceRecord live(
            ServiceRecord old,
            VersionRecord version,
            long nextVersion,
            long startingVersion,
            List<TrafficShare> traffic) {
        boolean failed = old.failedVersion() == version.version();
        return new ServiceRecord(
                old.environment(),
                old.name(),
                version.description(),
                version.isPrivate(),
                version.version(),
                nextVersion,
                old.createdAt(),
                now,
                startingVersion,
                failed ? 0 : old.failedVersion(),
                failed ? null : old.startFailure(),
                traffic);
    }

    /** {@code old} with other start fields and traffic split, changed now. */
    private ServiceRecord withStartAndTraffic(
            ServiceRecord old,
            long startingVersion,
            long failedVersion,
            String startFailure,
            List<TrafficShare> traffic) {
        return new ServiceRecord(
                old.environment(),
                old.name(),
                old.description(),
                old.isPrivate(),
                old.liveVersion(),
                old.nextVersion(),
                old.createdAt(),
                now,
                startingVersion,
                failedVersion,
                startFailure,
                traffic);
    }

    private static ServiceRecord withVersions(
            ServiceRecord old, long liveVersion, long nextVersion, long startingVersion, Instant updatedAt) {
        return new ServiceRecord(
                old.environment(),
                old.name(),
                old.description(),
                old.isPrivate(),
                liveVersion,
                nextVersion,
                old.createdAt(),
                updatedAt,
                startingVersion,
                old.failedVersion(),
                old.startFailure(),
                old.traffic());
    }

    private ServiceRecord deployedService(String environment, String service) {
        requireEnvironment(environment);
        int index = serviceIndex(environment, service);
        if (index < 0 || !services.get(index).deployed()) {
            throw ControlPlaneException.serviceNotFound(environment, service);
        }
        return services.get(index);
    }

    private VersionRecord keptVersion(String environment, String service, long version) {
        return versions.stream()
                .filter(v ->
                        v.environment().equals(environment) && v.service().equals(service) && v.version() == version)
                .findFirst()
                .orElseThrow(() -> new ControlPlaneException(
                        ErrorCode.VERSION_NOT_FOUND,
                        "version " + version + " of " + service + " is not kept (kept: "
                                + keptVersions(environment, service) + ")"));
    }

    /**
     * Drops the versions of a service beyond its newest {@code keep} (never the live, the starting or a split one); returns the
     * dropped ones.
     */
    List<VersionRecord> dropOldVersions(String environment, String service, int keep) {
        ServiceRecord record = services.stream()
                .filter(s -> s.environment().equals(environment) && s.name().equals(service))
                .findFirst()
                .orElse(null);
        long live = record == null ? 0 : record.liveVersion();
        long starting = record == null ? 0 : record.startingVersion();
        Set<Long> split = new HashSet<>();
        if (record != null) {
            record.traffic().forEach(share -> split.add(share.version()));
        }
        List<VersionRecord> newestFirst = versions.stream()
                .filter(v -> v.environment().equals(environment) && v.service().equals(service))
                .sorted(Comparator.comparingLong(VersionRecord::version).reversed())
                .toList();
        List<VersionRecord> dropped = new ArrayList<>();
        for (int i = Math.max(1, keep); i < newestFirst.size(); i++) {
            long version = newestFirst.get(i).version();
            if (version != live && version != starting && !split.contains(version)) {
                dropped.add(newestFirst.get(i));
            }
        }
        versions.removeAll(dropped);
        return dropped;
    }

    private List<Long> keptVersions(String environment, String service) {
        return versions.stream()
                .filter(v -> v.environment().equals(environment) && v.service().equals(service))
                .map(VersionRecord::version)
                .sorted()
                .toList();
    }

    private void requireEnvironment(String name) {
        if (environments.stream().noneMatch(e -> e.name().equals(name))) {
            throw ControlPlaneException.environmentNotFound(name);
        }
    }

    private int serviceIndex(String environment, String service) {
        for (int i = 0; i < services.size(); i++) {
            ServiceRecord s = services.get(i);
            if (s.environment().equals(environment) && s.name().equals(service)) {
                return i;
            }
        }
        return -1;
    }
}
