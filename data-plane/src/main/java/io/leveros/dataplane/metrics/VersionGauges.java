package io.leveros.dataplane.metrics;

/**
 * One live version on this node now, for the gauges of a scrape.
 *
 * @param queuedCalls calls waiting for an instance to start (the activator's queue)
 */
public record VersionGauges(
        String environment,
        String service,
        long version,
        int startingInstances,
        int readyInstances,
        int drainingInstances,
        int callsInFlight,
        int queuedCalls,
        int openStreams) {}
