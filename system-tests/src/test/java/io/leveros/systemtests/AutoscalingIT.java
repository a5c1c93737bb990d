package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler end to end, with real instance processes: a step in load scales a service out,
 * latency recovers, the instances go back to zero once it is idle; minInstances and maxInstances
 * hold; 50 calls to a cold service share one start; a service that cannot start is answered 503
 * at once while it backs off; an instance over its ram is killed, reported and replaced; scaling
 * down under load fails no call. Delays are seconds here
 * (lever.json {@code idleTimeout}, {@code scaleDownDelay}).
 */
class AutoscalingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    static LeverPlatform platform;
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("autoscaling");
    }

    @AfterAll
    static void stop() {
        CLIENTS.shutdownNow();
        if (platform != null) {
            platform.close();
        }
    }

    private static void deploy(String name, String extraLeverJson) {
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"" + extraLeverJson
                        + "}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    /** The service's instances that are starting or take calls, from the REST API. */
    private static int instances(String service) {
        try {
            JsonNode instances =
                    JSON.readTree(platform.api("/environments/dev.lever/services/" + service + "/instances"));
            int count = 0;
            for (JsonNode instance : instances) {
                if (!instance.path("state").asText().equals("draining")) {
                    count++;
                }
            }
            return count;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Clients calling {@code slow(millis)} in a loop until stopped; their latencies and failures. */
    private static final class Load implements AutoCloseable {
        final List<long[]> latencies = new CopyOnWriteArrayList<>(); // {end nanos, latency nanos}
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicInteger clients = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Future<?>> clientRuns = new ArrayList<>();
        private final String service;
        private final int millis;

        Load(String service, int millis) {
            this.service = service;
            this.millis = millis;
        }

        /** Runs {@code count} clients in all from now on (only ever more). */
        void clients(int count) {
            while (clients.get() < count) {
                int id = clients.incrementAndGet();
                clientRuns.add(CLIENTS.submit(() -> {
                    while (running.get() && id <= clients.get()) {
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = platform.postJson("/" + service + "/slow", "[" + millis + "]");
                        long end = System.nanoTime();
                        if (response.statusCode() != 200) {
                            failures.add(
                                    response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8));
                        }
                        latencies.add(new long[] {end, end - start});
                    }
                }));
            }
        }

        /** Fewer clients: the ones above {@code count} stop after their current call. */
        void reduceTo(int count) {
            clients.set(count);
        }

        /** The median latency of the calls that ended within the last {@code window}. */
        Duration medianLatency(Duration window) {
            long from = System.nanoTime() - window.toNanos();
            List<Long> recent = new ArrayList<>();
            for (long[] sample : latencies) {
                if (sample[0] >= from) {
                    recent.add(sample[1]);
                }
            }
            recent.sort(null);
            return recent.isEmpty() ? Duration.ZERO : Duration.ofNanos(recent.get(recent.size() / 2));
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> client : clientRuns) {
                client.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aStepInLoadScalesOutLatencyRecoversAndIdleGoesToZero() throws Exception {
        deploy("stepService", ", \"maxInstanceLoad\": 4, \"idleTimeout\": \"6s\", \"scaleDownDelay\": \"3s\"");
        try (Load load = new Load("stepService", 50)) {
            load.clients(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.latencies.size() > 10);
            assertThat(instances("stepService")).isEqualTo(1);

            load.clients(40); // 40 calls of 50 ms at once: 40 / maxInstanceLoad 4 = 10 instances
            await("at least 10 instances")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> instances("stepService") >= 10);
            await("latency recovers")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> load.medianLatency(Duration.ofSeconds(2)).toMillis() < 150);
            assertThat(load.failures).isEmpty();

            LeverPlatform.CliResult instances = platform.lever("instances", "stepService");
            assertThat(instances.exitCode()).as(instances.toString()).isZero();
            assertThat(instances.stdout()).contains("NODE").contains("local").contains("ready");
            LeverPlatform.CliResult status = platform.lever("status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout())
                    .contains("lever://dev.lever/stepService")
                    .contains("maxInstanceLoad 4");
        }
        await("back to zero after the idle timeout (6 s)")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> instances("stepService") == 0);
        assertThat(platform.api("/scaling")).contains("stepService").contains("idleTimeout");

        String controlPlane = platform.controlPlaneMetrics();
        Map<String, String> step = Map.of("environment", "dev.lever", "service", "stepService");
        assertThat(PrometheusScrape.sum(controlPlane, "lever_scaling_decisions_total", with(step, "direction", "up")))
                .as("scale-up decisions")
                .isGreaterThanOrEqualTo(3); // 1 -> 2 -> 4 -> 8 -> 10 at the most doubling per tick
        assertThat(PrometheusScrape.sum(controlPlane, "lever_scaling_decisions_total", with(step, "direction", "down")))
                .as("scale-down decisions")
                .isGreaterThanOrEqualTo(1);
        assertThat(PrometheusScrape.sum(controlPlane, "lever_scaling_tick_seconds_count", Map.of()))
                .isPositive();
        String dataPlane = platform.dataPlaneMetrics();
        assertThat(PrometheusScrape.sum(
                        dataPlane, "lever_dataplane_instance_start_seconds_count", with(step, "outcome", "ready")))
                .as("instance starts")
                .isGreaterThanOrEqualTo(10);
        assertThat(PrometheusScrape.sum(dataPlane, "lever_dataplane_instances", with(step, "state", "ready")))
                .isZero();
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new HashMap<>(labels);
        more.put(name, value);
        return more;
    }

    @Test
    void maxInstancesIsNeverExceededAndMinInstancesIsHeld() throws Exception {
        deploy("cappedService", ", \"maxInstanceLoad\": 2, \"maxInstances\": 3");
        deploy("warmService", ", \"minInstances\": 2, \"idleTimeout\": \"2s\"");
        await("minInstances started before any call")
                .atMost(Duration.ofSeconds(60))
                .until(() -> instances("warmService") == 2);
        AtomicInteger most = new AtomicInteger();
        try (Load load = new Load("cappedService", 50)) {
            load.clients(20);
            await("never more than maxInstances (3) under 20 clients")
                    .during(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(12))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> most.accumulateAndGet(instances("cappedService"), Math::max) <= 3);
            assertThat(load.failures).isEmpty();
        }
        assertThat(most.get()).as("instances at the most under 20 clients").isEqualTo(3);
        assertThat(instances("warmService"))
                .as("minInstances, after its idle timeout")
                .isEqualTo(2);
    }

    @Test
    void fiftySimultaneousFirstCallsShareOneStart() throws Exception {
        deploy("coldService", "");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(CLIENTS.submit(() -> {
                go.await();
                return platform.postJson("/coldService/instanceId", "[]");
            }));
        }
        go.countDown();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (Future<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            ids.add(new String(response.body(), StandardCharsets.UTF_8));
        }
        assertThat(ids).as("instances that answered the 50 first calls").hasSize(1);

        // The metrics saw the same: the 50 calls, and a start for each instance (the autoscaler may
        // have added instances for the 50 calls in flight by now).
        Map<String, String> cold = Map.of("environment", "dev.lever", "service", "coldService");
        String metrics = platform.dataPlaneMetrics();
        assertThat(PrometheusScrape.sum(metrics, "lever_dataplane_instance_start_seconds_count", cold))
                .as("instance starts")
                .isGreaterThanOrEqualTo(1);
        assertThat(PrometheusScrape.sum(
                        metrics,
                        "lever_dataplane_call_duration_seconds_count",
                        with(with(cold, "method", "instanceId"), "status", "200")))
                .as("calls counted")
                .isEqualTo(50);
        await("the control plane's gauge of ready instances agrees with the data plane's")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    double controlPlane = PrometheusScrape.sum(
                            platform.controlPlaneMetrics(), "lever_instances", with(cold, "state", "ready"));
                    double dataPlane = PrometheusScrape.sum(
                            platform.dataPlaneMetrics(), "lever_dataplane_instances", with(cold, "state", "ready"));
                    return controlPlane >= 1 && controlPlane == dataPlane;
                });
    }

    @Test
    void aServiceThatCannotStartIs503AtOnceWhileItBacksOff() {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"brokenService\", \"javaEntry\": \"io.leveros.testservice.NoSuchClass\"}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("brokenService v1 could not start").contains("NoSuchClass");
        HttpResponse<byte[]> first = platform.postJson("/brokenService/instanceId", "[]");
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("NoSuchClass");

        long start = System.nanoTime();
        HttpResponse<byte[]> second = platform.postJson("/brokenService/instanceId", "[]");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("no new start while backing off")
                .isLessThan(Duration.ofMillis(500));
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(new String(second.body(), StandardCharsets.UTF_8))
                .contains("NoSuchClass")
                .contains("the next start is tried in");
        await("the failing start is visible in the status")
                .atMost(Duration.ofSeconds(10))
                .until(() -> platform.api("/scaling").contains("NoSuchClass"));
    }

    /** Needs a writable memory cgroup (Linux): the data plane logs at start when there is none. */
    @Test
    void anInstanceOverItsRamIsKilledReportedAndReplaced() {
        Path folder = TestServices.nodeTestServiceWith(
                temp, "{\"name\": \"hungryService\", \"jsEntry\": \"server.js\", \"ram\": 128}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        String first = body(platform.postJson("/hungryService/instanceId", "[]"));

        HttpResponse<byte[]> hog = platform.postJson("/hungryService/hog", "[400]"); // 400 MB, ram is 128
        assertThat(hog.statusCode()).as(body(hog)).isEqualTo(502);
        assertThat(body(hog)).contains("was killed during the call: over its 128 MB ram limit");
        await("the kill is reported").atMost(Duration.ofSeconds(10)).until(() -> platform.api("/scaling")
                .contains("went over its ram (128 MB)"));
        assertThat(platform.logText()).contains("went over its ram (128 MB) and was killed");

        HttpResponse<byte[]> next = platform.postJson("/hungryService/instanceId", "[]");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(body(next)).as("a new instance").isNotEqualTo(first);
    }

    @Test
    void aJavaInstanceWhoseHeapRunsOutExitsAndIsReplaced() {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"heapService\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        String first = body(platform.postJson("/heapService/instanceId", "[]"));

        HttpResponse<byte[]> filled = platform.postJson("/heapService/fillHeap", "[]");
        assertThat(filled.statusCode())
                .as("no answer from a broken JVM: " + body(filled))
                .isEqualTo(502);
        await("the instance exits").atMost(Duration.ofSeconds(10)).until(() -> platform.logText()
                .contains("Terminating due to java.lang.OutOfMemoryError"));

        HttpResponse<byte[]> next = platform.postJson("/heapService/instanceId", "[]");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(body(next)).as("a new instance").isNotEqualTo(first);
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void scalingDownUnderLoadFailsNoCall() throws Exception {
        deploy("shrinkService", ", \"maxInstanceLoad\": 2, \"scaleDownDelay\": \"2s\"");
        try (Load load = new Load("shrinkService", 50)) {
            load.clients(12);
            await().atMost(Duration.ofSeconds(60)).until(() -> instances("shrinkService") >= 6);
            load.reduceTo(2);
            await("scaled down while 2 clients keep calling")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> instances("shrinkService") <= 2);
            int before = load.latencies.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.latencies.size() > before + 20);
            assertThat(load.failures).isEmpty();
        }
    }
}
