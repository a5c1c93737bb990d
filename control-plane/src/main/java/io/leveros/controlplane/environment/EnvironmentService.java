package io.leveros.controlplane.environment;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.store.EnvironmentRecord;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.core.environment.EnvironmentNames;
import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Service;

/** Environment rules on top of the store: names are host names, the default one stays. */
@Service
public class EnvironmentService {
    private final MetadataStore store;
    private final Path codeDir;

    public EnvironmentService(MetadataStore store, LeverProperties properties) {
        this.store = store;
        this.codeDir = properties.codeDir();
    }

    public List<EnvironmentSummary> list() {
        StoreSnapshot snapshot = store.snapshot();
        return snapshot.environments().stream().map(e -> summary(snapshot, e)).toList();
    }

    public EnvironmentSummary get(String name) {
        StoreSnapshot snapshot = store.snapshot();
        return snapshot.environment(name)
                .map(e -> summary(snapshot, e))
                .orElseThrow(() -> ControlPlaneException.environmentNotFound(name));
    }

    /**
     * @throws ControlPlaneException {@code INVALID_ENVIRONMENT_NAME}, {@code ENVIRONMENT_EXISTS}
     */
    public EnvironmentSummary create(String name) {
        String problem = EnvironmentNames.problem(name);
        if (problem != null) {
            throw new ControlPlaneException(ErrorCode.INVALID_ENVIRONMENT_NAME, problem);
        }
        return new EnvironmentSummary(store.createEnvironment(name), 0);
    }

    /**
     * @throws ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}, {@code DEFAULT_ENVIRONMENT}, {@code
     *     ENVIRONMENT_NOT_EMPTY}
     */
    public void delete(String name, boolean withServices) {
        store.deleteEnvironment(name, withServices);
        // Only code of deploys that never committed can be left here; a new environment of the same name starts
        // clean.
        ArchiveExtractor.deleteQuietly(codeDir.resolve(name));
    }

    private static EnvironmentSummary summary(StoreSnapshot snapshot, EnvironmentRecord environment) {
        return new EnvironmentSummary(
                environment, snapshot.services(environment.name()).size());
    }
}
