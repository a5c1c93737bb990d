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

    static String scrape(CallMetrics calls) {
        PrometheusText text = new PrometheusText();
        calls.write(text);
        return text.toString();
    }

    @Test
    void callsAreCountedPerSeriesIntoCumulativeBuckets() {
        CallMetrics calls = new CallMetrics();
        CallMetrics.Recorder recorder = calls.recorder("public");
        recorder.record("dev.lever", "hello", 3, "echo", 200, 3_000_000); // 3 ms
        recorder.record("dev.lever", "hello", 3, "echo", 200, 40_000_000); // 40 ms
        recorder.record("dev.lever", "hello", 3, "echo", 500, 1_000_000);
        recorder.recordUnrouted(404, 100_000);

        Map<String, String> samples = parse(scrape(calls));
        String echo =
                "ingress=\"public\",environment=\"dev.lever\",service=\"hello\",version=\"3\",method=\"echo\",status=\"200\"";
        assertThat(samples)
                .containsEntry("lever_dataplane_call_duration_seconds_count{" + echo + "}", "2")
                .containsEntry("lever_dataplane_call_duration_seconds_bucket{" + echo + ",le=\"0.0025\"}", "0")
                .containsEntry("lever_dataplane_call_duration_seconds_bucket{" + echo + ",le=\"0.005\"}", "1")
                .containsEntry("lever_dataplane_call_duration_seconds_bucket{" + echo + ",le=\"0.05\"}", "2")
                .containsEntry("lever_dataplane_call_duration_seconds_bucket{" + echo + ",le=\"+Inf\"}", "2")
                .containsEntry("lever_dataplane_call_duration_seconds_sum{" + echo + "}", "0.043");
        assertThat(samples)
                .containsEntry(
                        "lever_dataplane_call_duration_seconds_count{ingress=\"public\",environment=\"dev.lever\","
                                + "service=\"hello\",version=\"3\",method=\"echo\",status=\"500\"}",
                        "1")
                .containsEntry(
                        "lever_dataplane_call_duration_seconds_count{ingress=\"public\",environment=\"\","
                                + "service=\"\",version=\"\",method=\"\",status=\"404\"}",
                        "1");
    }

    @Test
    void methodNamesAreBoundedAndEscaped() {
        CallMetrics calls = new CallMetrics();
        CallMetrics.Recorder recorder = calls.recorder("internal");
        recorder.record("dev.lever", "hello", 3, "we\"ird\\\nname", 200, 1);
        for (int i = 0; i < CallMetrics.MAX_METHODS_PER_SERVICE + 50; i++) {
            recorder.record("dev.lever", "hello", 3, "m" + i, 200, 1);
        }
        Map<String, String> samples = parse(scrape(calls));
        List<String> counts = samples.keySet().stream()
                .filter(series -> series.startsWith("lever_dataplane_call_duration_seconds_count"))
                .toList();
        assertThat(counts).hasSize(CallMetrics.MAX_METHODS_PER_SERVICE + 1);
        assertThat(samples)
                .containsEntry(
                        "lever_dataplane_call_duration_seconds_count{ingress=\"internal\",environment=\"dev.lever\","
                                + "service=\"hello\",version=\"3\",method=\"(other)\",status=\"200\"}",
                        "51")
                .containsKey(
                        "lever_dataplane_call_duration_seconds_count{ingress=\"internal\",environment="
                                + "\"dev.lever\",service=\"hello\",version=\"3\",method=\"we\\\"ird\\\\\\nname\",status=\"200\"}");
    }

    @Test
    void eachVersionHasItsSeriesAndAServiceKeepsTheVersionsCalledLast() {
        CallMetrics calls = new CallMetrics();
        CallMetrics.Recorder recorder = calls.recorder("public");
        for (long version = 1; version <= CallMetrics.MAX_VERSIONS_PER_SERVICE + 1; version++) {
            recorder.record("dev.lever", "hello", version, "echo", 200, 1_000_000);
        }
        recorder.record("dev.lever", "hello", 2, "echo", 200, 1_000_000);
        Map<String, String> samples = parse(scrape(calls));
        String count = "lever_dataplane_call_duration_seconds_count{ingress=\"public\",environment=\"dev.lever\","
                + "service=\"hello\",version=\"%d\",method=\"echo\",status=\"200\"}";
        assertThat(samples)
                .doesNotContainKey(count.formatted(1))
                .containsEntry(count.formatted(2), "2")
                .containsEntry(count.formatted(CallMetrics.MAX_VERSIONS_PER_SERVICE + 1), "1");
    }

    @Test
    void recordingAnExistingSeriesAllocatesNothing() {
        CallMetrics.Recorder recorder = new CallMetrics().recorder("public");
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
