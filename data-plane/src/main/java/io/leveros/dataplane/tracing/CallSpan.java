package io.leveros.dataplane.tracing;

import io.leveros.dataplane.routing.ServiceRoute;

/**
 * One answered call's span, as this data plane saw it: from the request to the answer.
 *
 * @param trace the context sent on, whose parent id is this span and whose caller span is its parent
 * @param ingress the way in: {@code public}, {@code internal}, {@code forwarded}
 * @param route the called version
 */
record CallSpan(
        TraceContext trace,
        String ingress,
        ServiceRoute route,
        String method,
        int status,
        long startEpochNanos,
        long endEpochNanos) {}
