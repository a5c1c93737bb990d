package io.leveros.dataplane.tracing;

/**
 * One answered call's span, as this data plane saw it: from the request to the answer.
 *
 * @param trace the context sent on, whose parent id is this span and whose caller span is its parent
 */
public record CallSpan(TraceContext trace, Call call, int status, long startEpochNanos, long endEpochNanos) {
    /**
     * What was called, through which way in ({@code public}, {@code internal}, {@code forwarded}).
     *
     * @param version 0 when the call named no version (it was refused before)
     */
    public record Call(String ingress, String environment, String service, long version, String method) {}
}
