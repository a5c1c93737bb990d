package io.leveros.controlplane.deploy;

import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.VersionRecord;

/** The outcome of a deploy: the new version and its service right after the commit. */
public record Deployment(VersionRecord version, ServiceRecord service) {}
