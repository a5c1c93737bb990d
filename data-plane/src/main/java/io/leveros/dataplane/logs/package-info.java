/**
 * Instance output kept on the node: every line an instance writes, in a bounded buffer per
 * instance ({@link io.leveros.dataplane.logs.NodeLogs}), served to the control plane on the
 * forwarding port ({@link io.leveros.dataplane.logs.LogsHandler}) for {@code lever logs}.
 */
package io.leveros.dataplane.logs;
