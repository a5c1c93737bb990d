package io.leveros.controlplane.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable, consistent view of the whole store at one revision. Every read goes through one, so a
 * reader never sees half of a change.
 */
public final class StoreSnapshot {
    private final long revision;
    private final Map<String, EnvironmentRecord> environments = new TreeMap<>();
    private final Map<String, Map<String, ServiceRecord>> services = new HashMap<>();
    private final Map<String, List<VersionRecord>> versions = new HashMap<>();

    public StoreSnapshot(
            long revision,
            Collection<EnvironmentRecord> environments,
            Collection<ServiceRecord> services,
            Collection<VersionRecord> versions) {
        this.revision = revision;
        for (EnvironmentRecord environment : environments) {
            this.environments.put(environment.name(), environment);
        }
        for (ServiceRecord service : services) {
            this.services
                    .computeIfAbsent(service.environment(), env -> new TreeMap<>())
                    .put(service.name(), service);
        }
        for (VersionRecord version : versions) {
            this.versions
                    .computeIfAbsent(key(version.environment(), version.service()), k -> new ArrayList<>())
                    .add(version);
        }
        this.versions.replaceAll((k, list) -> list.stream()
                .sorted(Comparator.comparingLong(VersionRecord::version).reversed())
                .toList());
    }

    private static String key(String environment, String service) {
        return environment + '/' + service;
    }

    /** Grows with every change, across restarts. */
    public long revision() {
        return revision;
    }

    /** All environments, by name. */
    public List<EnvironmentRecord> environments() {
        return List.copyOf(environments.values());
    }

    public Optional<EnvironmentRecord> environment(String name) {
        return Optional.ofNullable(environments.get(name));
    }

    /** The deployed services of an environment, by name (empty for an unknown environment). */
    public List<ServiceRecord> services(String environment) {
        return services.getOrDefault(environment, Map.of()).values().stream()
                .filter(ServiceRecord::deployed)
                .toList();
    }

    /** A deployed service. */
    public Optional<ServiceRecord> service(String environment, String name) {
        return Optional.ofNullable(services.getOrDefault(environment, Map.of()).get(name))
                .filter(ServiceRecord::deployed);
    }

    /** Versions of a service, newest first. */
    public List<VersionRecord> versions(String environment, String service) {
        return versions.getOrDefault(key(environment, service), List.of());
    }

    public Optional<VersionRecord> version(String environment, String service, long version) {
        return versions(environment, service).stream()
                .filter(v -> v.version() == version)
                .findFirst();
    }

    /** The version new calls of a deployed service go to. */
    public Optional<VersionRecord> liveVersion(ServiceRecord service) {
        return version(service.environment(), service.name(), service.liveVersion());
    }

    /** Every service record, including those reserved by a deploy that has not committed yet. */
    public List<ServiceRecord> allServices() {
        return services.values().stream()
                .flatMap(byName -> byName.values().stream())
                .toList();
    }

    /** Every service record of one environment, including reserved ones. */
    public List<ServiceRecord> allServices(String environment) {
        return List.copyOf(services.getOrDefault(environment, Map.of()).values());
    }

    /** Every version record. */
    public List<VersionRecord> allVersions() {
        return versions.values().stream().flatMap(List::stream).toList();
    }
}
