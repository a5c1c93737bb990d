/**
 * Instance isolation for the process runtime: each instance runs as its own uid (when the data
 * plane is root), reads its version's code from a copy it cannot change, writes only its own
 * temporary folder, and cannot read the platform's files or other instances.
 *
 * <p>Start reading at {@link io.leveros.dataplane.isolation.InstanceIsolation} (the decision and
 * the facade {@code instance.ProcessRuntime} uses), then {@link
 * io.leveros.dataplane.isolation.InstanceSandbox} (one instance: its uid, folders and {@code
 * setpriv} command). docs/data-plane.md, "Instance isolation", says what each protection is for and
 * where it stops.
 */
package io.leveros.dataplane.isolation;
