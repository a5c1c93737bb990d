/**
 * W3C trace context: what a call's {@code traceparent} and {@code tracestate} are, read from the
 * caller and sent on to the instance ({@link io.leveros.dataplane.tracing.TraceContext}).
 */
package io.leveros.dataplane.tracing;
