package io.leveros.controlplane.api;

import io.leveros.controlplane.resource.Binding;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One bound resource of a service: where it lives and when it was last called. */
record ResourceView(
        String resource,
        long version,
        @Schema(description = "the node that owns it") String node,

        @Schema(description = "the owner's instance that holds it; null until the owner reports a call")
        String instance,

        @Schema(description = "grows with every new binding; a moved resource has a new one")
        long epoch,

        Instant boundAt,

        @Schema(description = "the last call the owner reported; null until then")
        Instant lastCall) {

    static ResourceView of(Binding binding) {
        return new ResourceView(
                binding.key().resource(),
                binding.key().version(),
                binding.nodeId(),
                binding.instanceId(),
                binding.epoch(),
                binding.boundAt(),
                binding.lastCall());
    }
}
