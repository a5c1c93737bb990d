/**
 * The platform benchmarks ({@code bench/run}), measured against the real platform: start-up, cold
 * start, warm latency and throughput ({@link io.leveros.bench.PlatformBenchmark}), streams,
 * scaling, load reports, resources ({@link io.leveros.bench.ResourceBenchmark}) and the cost of
 * tracing ({@link io.leveros.bench.TracingBenchmark}). Results and how to read them:
 * docs/benchmarks.md.
 */
package io.leveros.bench;
