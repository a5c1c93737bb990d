package io.leveros.controlplane.deploy;

import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.VersionRecord;

/** The outcome of a deploy: the new version and its service right after the commit. */
public record Deployment(VersionRecord version, ServiceRecord service) {
    /** Whether the new version is the live one (false only if a higher version went live meanwhile). */
    public boolean live() {
        return service.liveVersion() == version.version();
    }
}
