package io.leveros.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

public class CallMetricsTest {
    /** One sample line of the text format: name, optional labels, value. */
    static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? (\\S+)");

    /** Every line is a comment or a well-formed sample; returns the samples, by series. */
    public static Map<String, String> parse(String scrape) {
        Map<String, String> samples = new java.util.LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
            Double.parseDouble(sample.group(3).replace("+Inf", "Infinity"));
            String series = sample.group(1) + (sample.group(2) == null ? "" : sample.group(2));
            assertThat(samples.put(series, sample.group(3)))
                    .as("series %s appears once", series)
                    .isNull();
        }
        return samples;
    }

    /** A call series as the scrape writes it: labels sorted by name, {@code le} last. */
    public static String call(
            String suffix, String ingress, String service, String version, String method, int status) {
        return call(suffix, ingress, service, version, method, status, null);
    }

    public static String call(
            String suffix, String ingress, String service, String version, String method, int status, String le) {
        String environment = service.isEmpty() ? "" : "dev.lever";
        return "lever_dataplane_call_duration_seconds_" + suffix + "{environment=\"" + environment + "\",ingress=\""
                + ingress + "\",method=\"" + method + "\",service=\"" + service + "\",status=\"" + status
                + "\",version=\"" + version + "\"" + (le == null ? "" : ",le=\"" + le + "\"") + "}";
    }

    static DataPlaneMetrics metrics() {
        return new DataPlaneMetrics(List::of, 100);
    }

    @Test
    void callsAreCountedPerSeriesIntoCumulativeBuckets() {
        DataPlaneMetrics metrics = metrics();
        CallMetrics.Recorder recorder = metrics.calls().recorder("public");
        recorder.record("dev.lever", "hello", 3, "echo", 200, 3_000_000); // 3 ms
        recorder.record("dev.lever", "hello", 3, "echo", 200, 40_000_000); // 40 ms
        recorder.record("dev.lever", "hello", 3, "echo", 500, 1_000_000);
        recorder.recordUnrouted(404, 100_000);

        Map<String, String> samples = parse(metrics.scrape());
        assertThat(samples)
                .containsEntry(call("count", "public", "hello", "3", "echo", 200), "2")
                .containsEntry(call("bucket", "public", "hello", "3", "echo", 200, "0.0025"), "0")
                .containsEntry(call("bucket", "public", "hello", "3", "echo", 200, "0.005"), "1")
                .containsEntry(call("bucket", "public", "hello", "3", "echo", 200, "0.05"), "2")
                .containsEntry(call("bucket", "public", "hello", "3", "echo", 200, "+Inf"), "2")
                .containsEntry(call("sum", "public", "hello", "3", "echo", 200), "0.043")
                .containsEntry(call("count", "public", "hello", "3", "echo", 500), "1")
                .containsEntry(call("count", "public", "", "", "", 404), "1");
    }

    @Test
    void methodNamesAreBoundedAndEscaped() {
        DataPlaneMetrics metrics = metrics();
        CallMetrics.Recorder recorder = metrics.calls().recorder("internal");
        recorder.record("dev.lever", "hello", 3, "we\"ird\\\nname", 200, 1);
        for (int i = 0; i < CallMetrics.MAX_METHODS_PER_SERVICE + 50; i++) {
            recorder.record("dev.lever", "hello", 3, "m" + i, 200, 1);
        }
        Map<String, String> samples = parse(metrics.scrape());
        List<String> counts = samples.keySet().stream()
                .filter(series -> series.startsWith("lever_dataplane_call_duration_seconds_count"))
                .toList();
        assertThat(counts).hasSize(CallMetrics.MAX_METHODS_PER_SERVICE + 1);
        assertThat(samples)
                .containsEntry(call("count", "internal", "hello", "3", "(other)", 200), "51")
                .containsKey(call("count", "internal", "hello", "3", "we\\\"ird\\\\\\nname", 200));
    }

    @Test
    void eachVersionHasItsSeriesAndAServiceKeepsTheVersionsCalledLast() {
        DataPlaneMetrics metrics = metrics();
        CallMetrics.Recorder recorder = metrics.calls().recorder("public");
        for (long version = 1; version <= CallMetrics.MAX_VERSIONS_PER_SERVICE + 1; version++) {
            recorder.record("dev.lever", "hello", version, "echo", 200, 1_000_000);
        }
        recorder.record("dev.lever", "hello", 2, "echo", 200, 1_000_000);
        Map<String, String> samples = parse(metrics.scrape());
        assertThat(samples)
                .doesNotContainKey(call("count", "public", "hello", "1", "echo", 200))
                .containsEntry(call("count", "public", "hello", "2", "echo", 200), "2")
                .containsEntry(
                        call("count", "public", "hello", "" + (CallMetrics.MAX_VERSIONS_PER_SERVICE + 1), "echo", 200),
                        "1");
    }

    @Test
    void versionGaugesTheQueueLimitAndTheJvmAreInTheScrape() {
        DataPlaneMetrics metrics =
                new DataPlaneMetrics(() -> List.of(new VersionGauges("dev.lever", "hello", 3, 1, 2, 0, 4, 5, 1)), 100);
        Map<String, String> samples = parse(metrics.scrape());
        String version = "environment=\"dev.lever\",service=\"hello\"";
        assertThat(samples)
                .containsEntry("lever_dataplane_instances{" + version + ",state=\"ready\",version=\"3\"}", "2.0")
                .containsEntry("lever_dataplane_instances{" + version + ",state=\"starting\",version=\"3\"}", "1.0")
                .containsEntry("lever_dataplane_calls_in_flight{" + version + ",version=\"3\"}", "4.0")
                .containsEntry("lever_dataplane_queued_calls{" + version + ",version=\"3\"}", "5.0")
                .containsEntry("lever_dataplane_open_streams{" + version + ",version=\"3\"}", "1.0")
                .containsEntry("lever_dataplane_max_queued_calls", "100.0")
                .containsKey("process_uptime_seconds")
                .containsKey("jvm_threads_live_threads");
    }

    @Test
    void recordingAnExistingSeriesAllocatesNothing() {
        CallMetrics.Recorder recorder = metrics().calls().recorder("public");
        String environment = "dev.lever";
        String service = "hello";
        String method = "echo";
        for (int i = 0; i < 100_000; i++) { // warm up: compiled, series made
            recorder.record(environment, service, 300, method, 200 + i % 2 * 300, i);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            recorder.record(environment, service, 300, method, 200 + i % 2 * 300, i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 100,000 calls").isLessThan(10_000);
    }
}
