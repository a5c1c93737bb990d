/**
 * The node agent: starts, watches and stops service instances on this node.
 *
 * <p>{@link io.leveros.dataplane.instance.InstanceRuntime} is the seam to the thing that runs
 * processes; {@link io.leveros.dataplane.instance.ProcessRuntime} runs plain OS processes (a Docker
 * runtime can implement the same interface); what keeps its instances from the platform and from
 * each other (their own uids, code copies, temporary folders) is in {@code
 * io.leveros.dataplane.isolation}. {@link io.leveros.dataplane.instance.NodeAgent} turns
 * a route into an {@link io.leveros.dataplane.instance.InstanceSpec} (command from {@link
 * io.leveros.dataplane.instance.LaunchCommands}, environment variables of the runtime contract),
 * waits for readiness ({@link io.leveros.dataplane.instance.ReadinessProbe}) and hands back a
 * ready {@link io.leveros.dataplane.instance.Instance}. Output is captured line by line by {@link
 * io.leveros.dataplane.instance.OutputCapture}. Start reading at {@code NodeAgent}.
 */
package io.leveros.dataplane.instance;
