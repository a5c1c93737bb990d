package io.leveros.controlplane.resource;

/** What a binding is for: one resource of one version of a service in one environment. */
public record BindingKey(String environment, String service, long version, String resource) {}
