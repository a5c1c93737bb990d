/** Environments: creating, listing and deleting them. Start with {@link io.leveros.controlplane.environment.EnvironmentService}. */
package io.leveros.controlplane.environment;
