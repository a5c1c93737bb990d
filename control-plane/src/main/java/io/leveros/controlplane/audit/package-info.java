/**
 * The audit log: who changed what, when, from which address, and how it ended. Start at {@link
 * io.leveros.controlplane.audit.AuditLog}; code that changes state (REST calls, node credentials) calls
 * its {@code record} method. Kept append-only as JSON lines in {@code <data-dir>/audit.log}.
 */
package io.leveros.controlplane.audit;
