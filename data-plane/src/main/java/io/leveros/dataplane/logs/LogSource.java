package io.leveros.dataplane.logs;

/** Whose output a line is: one instance of one version of a service. */
public record LogSource(String environment, String service, long version, String instance) {}
