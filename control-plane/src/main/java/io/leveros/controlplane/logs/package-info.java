/**
 * {@code lever logs}: the output of a service's instances, read from every node that keeps some
 * ({@link io.leveros.controlplane.logs.ServiceLogs}) and merged by time.
 */
package io.leveros.controlplane.logs;
