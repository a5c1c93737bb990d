package io.leveros.dataplane.call;

import io.leveros.core.url.LeverUrl;
import io.leveros.core.url.LeverUrlHeader;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.tracing.TraceContext;

/**
 * One call as every ingress hands it on (HTTP, gRPC, WebSocket, HTTP streams, the internal gateway,
 * the forwarding port): where it goes and what it names. The steps after the ingress (placement,
 * activation, forwarding) read only this.
 *
 * @param route the live version of the called service
 * @param leverUrl the call's absolute Lever URL as the {@code lever-url} header sends it (its
 *     resource escaped: {@link LeverUrlHeader})
 * @param method the called method
 * @param resource the resource the call names, {@code ""} for a plain call
 * @param streaming whether the method is a streaming one
 * @param resourceEpoch the epoch of the resource's binding a forwarding node sent with the call
 *     ({@code lever-resource-epoch}); 0 for calls that did not come from another node
 * @param movedEpoch a binding epoch the owner node refused for this call (the resource moved): the
 *     call is placed again without it; 0 for a first attempt
 * @param trace the caller's W3C trace context, sent on to the instance
 */
public record Call(
        ServiceRoute route,
        String leverUrl,
        String method,
        String resource,
        boolean streaming,
        long resourceEpoch,
        long movedEpoch,
        TraceContext trace) {

    /** A call to {@code route}, addressed by {@code url} with its environment resolved. */
    public static Call to(ServiceRoute route, LeverUrl url, String environment, TraceContext trace) {
        return to(route, url, environment, 0, trace);
    }

    /** The same, for a call another node forwarded with the binding epoch {@code resourceEpoch}. */
    public static Call to(
            ServiceRoute route, LeverUrl url, String environment, long resourceEpoch, TraceContext trace) {
        return new Call(
                route,
                LeverUrlHeader.format(url.withEnvironment(environment)),
                url.method(),
                url.resource(),
                url.isStreaming(),
                resourceEpoch,
                0,
                trace);
    }

    /** Whether the call names a resource (then it goes to the instance that holds it). */
    public boolean hasResource() {
        return !resource.isEmpty();
    }

    /** The same call, to be placed again after its owner refused binding {@code epoch}. */
    public Call afterMove(long epoch) {
        return new Call(route, leverUrl, method, resource, streaming, resourceEpoch, epoch, trace);
    }
}
