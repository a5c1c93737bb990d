package io.leveros.controlplane.service;

import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.VersionRecord;
import java.util.List;

/** A service and its versions, newest first, read from one snapshot. */
public record ServiceVersions(ServiceRecord service, List<VersionRecord> versions) {}
