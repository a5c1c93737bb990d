package io.leveros.controlplane.service;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import java.util.List;
import org.springframework.stereotype.Service;

/** Looks services and versions up, answering 404 for unknown environments and services. */
@Service
public class ServiceCatalog {
    private final MetadataStore store;

    public ServiceCatalog(MetadataStore store) {
        this.store = store;
    }

    public List<ServiceRecord> services(String environment) {
        StoreSnapshot snapshot = requireEnvironment(environment);
        return snapshot.services(environment);
    }

    public ServiceRecord service(String environment, String name) {
        StoreSnapshot snapshot = requireEnvironment(environment);
        return snapshot.service(environment, name)
                .orElseThrow(() -> ControlPlaneException.serviceNotFound(environment, name));
    }

    public ServiceVersions versions(String environment, String name) {
        StoreSnapshot snapshot = requireEnvironment(environment);
        ServiceRecord service = snapshot.service(environment, name)
                .orElseThrow(() -> ControlPlaneException.serviceNotFound(environment, name));
        return new ServiceVersions(service, snapshot.versions(environment, name));
    }

    private StoreSnapshot requireEnvironment(String environment) {
        StoreSnapshot snapshot = store.snapshot();
        if (snapshot.environment(environment).isEmpty()) {
            throw ControlPlaneException.environmentNotFound(environment);
        }
        return snapshot;
    }
}
