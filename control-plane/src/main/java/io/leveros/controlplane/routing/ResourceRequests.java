package io.leveros.controlplane.routing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.leveros.controlplane.resource.Binding;
import io.leveros.controlplane.resource.BindingKey;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.proto.control.ResourceBinding;
import io.leveros.proto.control.ResourceKey;

/** Checks the keys of {@code BindResource} and {@code ReleaseResource}, and answers in protobuf. */
final class ResourceRequests {
    /** The longest resource name, in UTF-8 bytes. */
    static final int MAX_RESOURCE_BYTES = 4096;

    private ResourceRequests() {}

    /**
     * The key of a bind: well formed, and naming the live version of a deployed service.
     *
     * @throws StatusRuntimeException {@code INVALID_ARGUMENT} for a malformed key, {@code
     *     FAILED_PRECONDITION} for an unknown environment or service or a version that is not live
     */
    static BindingKey toBind(ResourceKey key, StoreSnapshot store) {
        BindingKey checked = wellFormed("BindResource", key);
        ServiceRecord service = store.environment(checked.environment()).isEmpty()
                ? null
                : store.service(checked.environment(), checked.service()).orElse(null);
        if (service == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("cannot bind a resource of " + checked.environment() + "/" + checked.service()
                            + ": no such "
                            + (store.environment(checked.environment()).isEmpty()
                                    ? "environment"
                                    : "service in environment '" + checked.environment() + "'")
                            + " (the data plane's routing snapshot is out of date)")
                    .asRuntimeException();
        }
        if (service.liveVersion() != checked.version()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("cannot bind a resource of " + checked.environment() + "/" + checked.service()
                            + " version " + checked.version() + ": the live version is " + service.liveVersion()
                            + " (only the live version takes new resources; calls go to the live version)")
                    .asRuntimeException();
        }
        return checked;
    }

    /**
     * The key of a release: well formed. Its version need not be live (a version that stopped being
     * live gives its resources up as its instances drain).
     */
    static BindingKey toRelease(ResourceKey key) {
        return wellFormed("ReleaseResource", key);
    }

    private static BindingKey wellFormed(String call, ResourceKey key) {
        String problem = null;
        if (key.getEnvironment().isEmpty()) {
            problem = "key.environment is empty (expected: an environment name, e.g. dev.lever)";
        } else if (key.getService().isEmpty()) {
            problem = "key.service is empty (expected: a service name)";
        } else if (key.getVersion() <= 0) {
            problem = "key.version: " + key.getVersion() + " (expected: > 0, the service's live version)";
        } else if (key.getResource().isEmpty()) {
            problem = "key.resource is empty (expected: 1 to " + MAX_RESOURCE_BYTES
                    + " UTF-8 bytes; a call without a resource is a plain call and needs no binding)";
        } else if (key.getResourceBytes().size() > MAX_RESOURCE_BYTES) {
            problem = "key.resource: " + key.getResourceBytes().size() + " UTF-8 bytes (expected: at most "
                    + MAX_RESOURCE_BYTES + ")";
        }
        if (problem != null) {
            throw Status.INVALID_ARGUMENT.withDescription(call + ": " + problem).asRuntimeException();
        }
        return new BindingKey(key.getEnvironment(), key.getService(), key.getVersion(), key.getResource());
    }

    static ResourceBinding toProto(Binding binding) {
        BindingKey key = binding.key();
        return ResourceBinding.newBuilder()
                .setKey(ResourceKey.newBuilder()
                        .setEnvironment(key.environment())
                        .setService(key.service())
                        .setVersion(key.version())
                        .setResource(key.resource()))
                .setNodeId(binding.nodeId())
                .setForwardingAddress(binding.forwardingAddress())
                .setEpoch(binding.epoch())
                .build();
    }
}
