package io.leveros.bench;

import io.leveros.bench.TracingBenchmark.Round;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The Markdown table {@link TracingBenchmark} prints: the rounds of each mode side by side. */
final class TracingReport {
    private final List<Round> off;
    private final List<Round> on;

    TracingReport(List<Round> off, List<Round> on) {
        this.off = off;
        this.on = on;
    }

    void print(
            Instant started,
            String loadAverage,
            int clients,
            int seconds,
            int warmup,
            long spans,
            long callsSentOn,
            long callsAnsweredOn,
            OtlpSink sink) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "bench/run --tracing --seconds %d --rounds %d --clients %d --warmup %d, %s; machine: %d cores"
                        + " (nproc), java %s; load average at the start: %s%n",
                seconds,
                off.size(),
                clients,
                warmup,
                started,
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                loadAverage);
        System.out.println();
        System.out.println("| measure | tracing off | tracing on | on / off |");
        System.out.println("|---|---|---|---|");
        double offRate = Medians.of(off, Round::rate);
        double onRate = Medians.of(on, Round::rate);
        row(
                String.format(Locale.ROOT, "calls/s, median of %d rounds", off.size()),
                format(offRate, "%.0f"),
                format(onRate, "%.0f"),
                ratio(onRate, offRate));
        row("calls/s, each round in order (off, on interleaved)", rates(off), rates(on), "");
        long[] offLatencies = all(off);
        long[] onLatencies = all(on);
        row(
                "latency p50 / p99, all rounds",
                latencies(offLatencies),
                latencies(onLatencies),
                ratio(percentile(onLatencies, 50), percentile(offLatencies, 50)) + " / "
                        + ratio(percentile(onLatencies, 99), percentile(offLatencies, 99)));
        double offCpu = perCall(off, Round::dataPlaneCpu);
        double onCpu = perCall(on, Round::dataPlaneCpu);
        row(
                "data plane CPU per call (/proc/<pid>/stat, all rounds)",
                format(offCpu / 1e3, "%.1f µs"),
                format(onCpu / 1e3, "%.1f µs"),
                ratio(onCpu, offCpu));
        row(
                "data plane CPU per call, each round",
                perRound(off, Round::dataPlaneCpu),
                perRound(on, Round::dataPlaneCpu),
                "");
        row("data plane CPU, cores busy", cores(off, Round::dataPlaneCpu), cores(on, Round::dataPlaneCpu), "");
        double offBench = perCall(off, Round::benchCpu);
        double onBench = perCall(on, Round::benchCpu);
        row(
                "benchmark JVM CPU per call (the " + clients + " clients; with tracing on also the OTLP sink)",
                format(offBench / 1e3, "%.1f µs"),
                format(onBench / 1e3, "%.1f µs"),
                ratio(onBench, offBench));
        row("of which the OTLP sink's thread, per call", "-", format(perCall(on, Round::sinkCpu) / 1e3, "%.1f µs"), "");
        row("failed calls", sum(off, Round::errors), sum(on, Round::errors), "");
        row(
                "calls the other nodes answered for this one (ingress forwarded), during the rounds",
                sum(off, Round::servedElsewhere),
                sum(on, Round::servedElsewhere),
                "");
        row(
                "spans received by the OTLP sink / calls the node answered (its metrics; warm-up included)",
                "-",
                String.format(
                        Locale.ROOT,
                        "%,d / %,d (%.2f %%; %,d sent by the clients); %,d batches (%.1f spans each), %.1f MB of"
                                + " JSON",
                        spans,
                        callsAnsweredOn,
                        100.0 * spans / Math.max(1, callsAnsweredOn),
                        callsSentOn,
                        sink.requests(),
                        spans / (double) Math.max(1, sink.requests()),
                        sink.bytes() / 1e6),
                "");
    }

    private static void row(String measure, String off, String on, String ratio) {
        System.out.println("| " + measure + " | " + off + " | " + on + " | " + ratio + " |");
    }

    private static String perRound(List<Round> rounds, ToDoubleFunction<Round> cpuNanos) {
        return String.join(
                " / ",
                rounds.stream()
                        .map(r ->
                                format(cpuNanos.applyAsDouble(r) / 1e3 / Math.max(1, r.latencies().length), "%.0f µs"))
                        .toList());
    }

    private static String rates(List<Round> rounds) {
        return String.join(
                " / ", rounds.stream().map(r -> format(r.rate(), "%.0f")).toList());
    }

    private static long[] all(List<Round> rounds) {
        long[] all =
                rounds.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double percentile(long[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static String latencies(long[] sorted) {
        return String.format(
                Locale.ROOT, "%.2f ms / %.2f ms", percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6);
    }

    private static double perCall(List<Round> rounds, ToDoubleFunction<Round> cpuNanos) {
        double cpu = rounds.stream().mapToDouble(cpuNanos).sum();
        long calls = rounds.stream().mapToLong(r -> r.latencies().length).sum();
        return cpu / Math.max(1, calls);
    }

    private static String cores(List<Round> rounds, ToDoubleFunction<Round> cpuNanos) {
        double cpu = rounds.stream().mapToDouble(cpuNanos).sum();
        double seconds = rounds.stream().mapToDouble(Round::seconds).sum();
        return format(cpu / 1e9 / seconds, "%.2f");
    }

    private static String sum(List<Round> rounds, ToDoubleFunction<Round> value) {
        return format(rounds.stream().mapToDouble(value).sum(), "%.0f");
    }

    private static String ratio(double on, double off) {
        return format(on / off, "%.3f");
    }

    private static String format(double value, String format) {
        return String.format(Locale.ROOT, format, value);
    }
}
