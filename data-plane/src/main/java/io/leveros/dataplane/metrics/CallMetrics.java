package io.leveros.dataplane.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Unary calls counted per ingress, environment, service, version, method and status, each series a
 * latency histogram ({@code lever_dataplane_call_duration_seconds}): the version label lets the
 * calls of a new version be compared with the old one's while both serve. Recording a call takes
 * three map lookups by strings the call already has and a scan of a few versions, and allocates
 * nothing once its series exists. The histograms are this package's own {@link DurationHistogram}s,
 * not Micrometer timers (whose record costs about 6 times as much), read by the scrape of
 * Micrometer's Prometheus registry as one of its collectors.
 *
 * <p>Method names come from callers, so a version keeps at most {@link #MAX_METHODS_PER_SERVICE}
 * of them; calls to further names count under {@link #OTHER_METHODS}. A service keeps the series of
 * the {@link #MAX_VERSIONS_PER_SERVICE} versions called most recently first (a new one drops the
 * oldest), so deploys do not grow the scrape without bound. Calls that named no service known here
 * (a bad path, an unknown environment or service) count with empty environment, service, version
 * and method.
 */
public final class CallMetrics implements MultiCollector {
    public static final int MAX_METHODS_PER_SERVICE = 100;
    public static final String OTHER_METHODS = "(other)";
    public static final int MAX_VERSIONS_PER_SERVICE = 4;
    static final String NAME = "lever_dataplane_call_duration_seconds";
    private static final String HELP = "Unary calls answered by this data plane, by ingress, environment, service,"
            + " version, method and HTTP status (gRPC outcomes as the status the HTTP API gives them), and their"
            + " latency.";

    private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

    /**
     * The recorder of one way in: {@code public} (the public port), {@code internal} (the gateway
     * instances call through), {@code forwarded} (calls another node sent here).
     */
    public Recorder recorder(String ingress) {
        Recorder recorder = new Recorder(ingress);
        recorders.add(recorder);
        return recorder;
    }

    /** The histograms now, for the registry's scrape. */
    @Override
    public MetricSnapshots collect() {
        HistogramSnapshot.Builder histograms =
                HistogramSnapshot.builder().name(NAME).help(HELP);
        for (Recorder recorder : recorders) {
            recorder.collect(histograms);
        }
        return MetricSnapshots.of(histograms.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME);
    }

    /** Counts the calls of one ingress; thread-safe. */
    public static final class Recorder {
        private final String ingress;
        private final Map<String, Map<String, ServiceCalls>> byEnvironment = new ConcurrentHashMap<>();

        private Recorder(String ingress) {
            this.ingress = ingress;
        }

        /** A call to {@code version} (0: none) that was answered {@code status} after {@code nanos}. */
        public void record(String environment, String service, long version, String method, int status, long nanos) {
            Map<String, ServiceCalls> services = byEnvironment.get(environment);
            if (services == null) {
                services = byEnvironment.computeIfAbsent(environment, e -> new ConcurrentHashMap<>());
            }
            ServiceCalls calls = services.get(service);
            if (calls == null) {
                calls = services.computeIfAbsent(service, s -> new ServiceCalls());
            }
            calls.version(version).histogram(method, status).record(nanos);
        }

        /** A call that named no service known here. */
        public void recordUnrouted(int status, long nanos) {
            record("", "", 0, "", status, nanos);
        }

        private void collect(HistogramSnapshot.Builder histograms) {
            byEnvironment.forEach((environment, services) -> services.forEach((service, calls) -> {
                for (VersionCalls version : calls.versions) {
                    String versionLabel = version.version == 0 ? "" : Long.toString(version.version);
                    version.methods.forEach((method, statuses) -> {
                        for (StatusHistogram series : statuses.byStatus) {
                            histograms.dataPoint(series.histogram.snapshot(Labels.of(
                                    "ingress", ingress,
                                    "environment", environment,
                                    "service", service,
                                    "version", versionLabel,
                                    "method", method,
                                    "status", Integer.toString(series.status))));
                        }
                    });
                }
            }));
        }
    }

    /** A service's versions, in the order they were first called: a handful, in an array searched in order. */
    private static final class ServiceCalls {
        volatile VersionCalls[] versions = new VersionCalls[0];

        VersionCalls version(long version) {
            for (VersionCalls calls : versions) {
                if (calls.version == version) {
                    return calls;
                }
            }
            return add(version);
        }

        private synchronized VersionCalls add(long version) {
            for (VersionCalls calls : versions) {
                if (calls.version == version) {
                    return calls;
                }
            }
            VersionCalls added = new VersionCalls(version);
            VersionCalls[] kept = versions.length < MAX_VERSIONS_PER_SERVICE
                    ? versions
                    : Arrays.copyOfRange(versions, 1, versions.length);
            VersionCalls[] grown = Arrays.copyOf(kept, kept.length + 1);
            grown[grown.length - 1] = added;
            versions = grown;
            return added;
        }
    }

    private static final class VersionCalls {
        final long version;
        final Map<String, MethodCalls> methods = new ConcurrentHashMap<>();

        VersionCalls(long version) {
            this.version = version;
        }

        DurationHistogram histogram(String method, int status) {
            MethodCalls calls = methods.get(method);
            if (calls == null) {
                String kept = methods.size() < MAX_METHODS_PER_SERVICE ? method : OTHER_METHODS;
                calls = methods.computeIfAbsent(kept, m -> new MethodCalls());
            }
            return calls.histogram(status);
        }
    }

    /** A method's histograms by status: a handful, in an array searched in order. */
    private static final class MethodCalls {
        volatile StatusHistogram[] byStatus = new StatusHistogram[0];

        DurationHistogram histogram(int status) {
            for (StatusHistogram series : byStatus) {
                if (series.status == status) {
                    return series.histogram;
                }
            }
            return add(status);
        }

        private synchronized DurationHistogram add(int status) {
            for (StatusHistogram series : byStatus) {
                if (series.status == status) {
                    return series.histogram;
                }
            }
            StatusHistogram added = new StatusHistogram(status, new DurationHistogram());
            StatusHistogram[] grown = Arrays.copyOf(byStatus, byStatus.length + 1);
            grown[grown.length - 1] = added;
            byStatus = grown;
            return added.histogram;
        }
    }

    private record StatusHistogram(int status, DurationHistogram histogram) {}
}
