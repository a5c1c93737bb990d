/**
 * The platform benchmark ({@code bench/run}): start-up, cold start, warm latency and throughput,
 * measured against the real platform. Results and how to read them: docs/benchmarks.md.
 */
package io.leveros.bench;
