package io.leveros.controlplane.resource;

import java.time.Instant;

/**
 * Which node owns a resource, since when, under which epoch; and what the owner reported of it.
 *
 * @param forwardingAddress host:port of the owner's forwarding port, from its last report ({@code ""}
 *     when it had not reported yet)
 * @param epoch grows with every new binding, across control-plane restarts too (the fence)
 * @param instanceId the owner's instance that holds it; {@code null} until the owner reports a call
 * @param lastCall the last call the owner reported; {@code null} until then
 */
public record Binding(
        BindingKey key,
        String nodeId,
        String forwardingAddress,
        long epoch,
        Instant boundAt,
        String instanceId,
        Instant lastCall) {

    Binding withAddress(String address) {
        return new Binding(key, nodeId, address, epoch, boundAt, instanceId, lastCall);
    }

    Binding withActivity(String instance, Instant call) {
        Instant latest = lastCall == null || call.isAfter(lastCall) ? call : lastCall;
        return new Binding(key, nodeId, forwardingAddress, epoch, boundAt, instance, latest);
    }
}
