package io.leveros.runtime.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.leveros.api.TraceContext;
import java.util.Iterator;

/**
 * Reads the W3C {@code traceparent} and {@code tracestate} metadata of a call into the gRPC {@link
 * Context} ({@link #TRACE}), for the handler to set as {@code TraceContext.current()}. A missing or
 * invalid traceparent leaves the call without one: it is never a reason to refuse the call. Runs on
 * the transport thread, before the handler; a call without the header costs one metadata lookup.
 */
final class TraceContextInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of(TraceContext.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRACESTATE =
            Metadata.Key.of(TraceContext.TRACESTATE, Metadata.ASCII_STRING_MARSHALLER);

    /** The trace context of the current call; {@code null} when it has none. */
    static final Context.Key<TraceContext> TRACE = Context.key("traceparent");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        TraceContext trace = read(headers);
        if (trace == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(TRACE, trace), call, headers, next);
    }

    /** The call's trace context, or {@code null}; several tracestate entries are joined with commas. */
    static TraceContext read(Metadata headers) {
        String traceparent = headers.get(TRACEPARENT);
        if (traceparent == null) {
            return null;
        }
        return TraceContext.parse(traceparent, tracestate(headers)).orElse(null);
    }

    private static String tracestate(Metadata headers) {
        Iterable<String> all = headers.getAll(TRACESTATE);
        if (all == null) {
            return null;
        }
        Iterator<String> values = all.iterator();
        String first = values.next();
        if (!values.hasNext()) {
            return first;
        }
        StringBuilder joined = new StringBuilder(first);
        while (values.hasNext()) {
            joined.append(',').append(values.next());
        }
        return joined.toString();
    }
}
