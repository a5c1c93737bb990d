/**
 * Cold starts and local scaling. {@link io.leveros.dataplane.activator.Activator} keeps one {@link
 * io.leveros.dataplane.activator.ServicePool} per live service version. A call for a version with
 * no ready instance waits in the pool's bounded {@link io.leveros.dataplane.activator.WaitQueue}
 * while one instance start (not one per call) runs; it is answered 503 with the reason when the
 * start fails or takes too long, and failed starts back off ({@link
 * io.leveros.dataplane.activator.StartBackoff}). A ready pool hands out a {@link
 * io.leveros.dataplane.activator.Lease} on the least loaded of two random instances, starts one
 * more when all are at {@code maxInstanceLoad}, carries out the autoscaler's target, drains the
 * instances of a version that is no longer live, and stops instances idle longer than {@code
 * idleTimeout}; {@link io.leveros.dataplane.activator.PoolCounters} counts the load it reports.
 * Start reading at {@code ServicePool}.
 */
package io.leveros.dataplane.activator;
