/**
 * The REST API under {@code /api/v1} (docs/contracts.md): controllers, the JSON views they answer, and
 * {@link io.leveros.controlplane.api.ApiExceptionHandler}, which turns every refusal into {@code
 * {"code", "message"}} with its status. State changes run through {@link
 * io.leveros.controlplane.api.AuditedCalls}, which records each in the audit log.
 */
package io.leveros.controlplane.api;
