package io.leveros.controlplane.store;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.core.environment.EnvironmentNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    Void deleteEnvironment(String name) {
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
        if (!deployed.isEmpty()) {
            throw new ControlPlaneException(
                    ErrorCode.ENVIRONMENT_NOT_EMPTY,
                    "environment '" + name + "' still has services " + deployed
                            + " (expected: an empty environment; there is no way to delete a service yet)");
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
            services.add(new ServiceRecord(environment, service, "", false, 0, 2, now, now));
            return 1L;
        }
        ServiceRecord old = services.get(index);
        long version = Math.max(1, old.nextVersion());
        services.set(
                index,
                new ServiceRecord(
                        environment,
                        service,
                        old.description(),
                        old.isPrivate(),
                        old.liveVersion(),
                        version + 1,
                        old.createdAt(),
                        old.updatedAt()));
        return version;
    }

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
                        version.environment(), version.service(), "", false, 0, version.version() + 1, now, now);
        boolean goesLive = version.version() >= old.liveVersion();
        ServiceRecord updated = new ServiceRecord(
                old.environment(),
                old.name(),
                goesLive ? version.description() : old.description(),
                goesLive ? version.isPrivate() : old.isPrivate(),
                goesLive ? version.version() : old.liveVersion(),
                Math.max(old.nextVersion(), version.version() + 1),
                old.createdAt(),
                now);
        if (index >= 0) {
            services.set(index, updated);
        } else {
            services.add(updated);
        }
        return updated;
    }

    /**
     * Makes a kept version of a service live again (a rollback).
     *
     * @throws ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND} (naming the
     *     kept versions)
     */
    ServiceRecord makeLive(String environment, String service, long version) {
        requireEnvironment(environment);
        int index = serviceIndex(environment, service);
        if (index < 0 || !services.get(index).deployed()) {
            throw ControlPlaneException.serviceNotFound(environment, service);
        }
        VersionRecord record = versions.stream()
                .filter(v ->
                        v.environment().equals(environment) && v.service().equals(service) && v.version() == version)
                .findFirst()
                .orElseThrow(() -> new ControlPlaneException(
                        ErrorCode.VERSION_NOT_FOUND,
                        "version " + version + " of " + service + " is not kept (kept: "
                                + keptVersions(environment, service) + ")"));
        ServiceRecord old = services.get(index);
        ServiceRecord updated = new ServiceRecord(
                environment,
                service,
                record.description(),
                record.isPrivate(),
                version,
                old.nextVersion(),
                old.createdAt(),
                now);
        services.set(index, updated);
        return updated;
    }

    /**
     * Drops the versions of a service beyond its newest {@code keep} (never the live one); returns the
     * dropped ones.
     */
    List<VersionRecord> dropOldVersions(String environment, String service, int keep) {
        long live = services.stream()
                .filter(s -> s.environment().equals(environment) && s.name().equals(service))
                .mapToLong(ServiceRecord::liveVersion)
                .findFirst()
                .orElse(0);
        List<VersionRecord> newestFirst = versions.stream()
                .filter(v -> v.environment().equals(environment) && v.service().equals(service))
                .sorted(Comparator.comparingLong(VersionRecord::version).reversed())
                .toList();
        List<VersionRecord> dropped = new ArrayList<>();
        for (int i = Math.max(1, keep); i < newestFirst.size(); i++) {
            if (newestFirst.get(i).version() != live) {
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
