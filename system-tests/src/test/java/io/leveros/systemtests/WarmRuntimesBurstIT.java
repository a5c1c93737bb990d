package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm runtimes as {@code lever up} keeps them by default, sized by memory (docs/data-plane.md, "Warm
 * runtimes"): a burst of cold starts larger than the pool grows it, so the same burst again is served
 * warm, by the real Java runtime.
 */
class WarmRuntimesBurstIT {
    private static final Pattern KEEPING =
            Pattern.compile("keeping (\\d+) warm runtime\\(s\\) idle for each of \\[[A-Z, ]+\\], up to (\\d+)");

    @TempDir
    static Path temp;

    private static LeverPlatform platform;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.startWithDefaultWarmRuntimes("warm-runtimes-burst");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
            assertThat(InstanceProcesses.warmRuntimes())
                    .as("warm runtimes left after the platform stopped")
                    .isEmpty();
        }
    }

    @Test
    void aBurstLargerThanThePoolIsServedWarmTheNextTime() {
        Matcher keeping = KEEPING.matcher(platform.logText());
        assumeTrue(keeping.find(), "this machine's memory leaves the pool no room to grow");
        int atRest = Integer.parseInt(keeping.group(1));
        int most = Integer.parseInt(keeping.group(2));
        int burst = atRest + 2;
        List<String> services = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            awaitIdleJavaRuntimes(atRest); // a deploy starts an instance: it must not find the pool short
            String name = "burst" + i;
            Path folder = TestServices.javaTestServiceWith(
                    temp,
                    "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\","
                            + " \"idleTimeout\": \"2s\"}");
            LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
            services.add(name);
        }
        awaitZeroInstances(services);
        awaitIdleJavaRuntimes(atRest);
        assertThat(kept("java")).isEqualTo(atRest);

        callAllAtOnce(services);
        int grown = Math.min(atRest + 2, most);
        await("the pool grows by the two cold starts that found no warm runtime")
                .atMost(Duration.ofSeconds(10))
                .until(() -> kept("java") == grown);

        awaitZeroInstances(services);
        awaitIdleJavaRuntimes(grown);
        List<String> instances = callAllAtOnce(services);
        List<String> servedWarm = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            String id = instances.get(i);
            String prefix =
                    "lever://dev.lever/" + services.get(i) + " v1 [" + id.substring(0, Math.min(16, id.length()));
            if (platform.logText()
                    .lines()
                    .anyMatch(line ->
                            line.startsWith(prefix) && line.contains(" serving ") && line.endsWith(" ms, warm"))) {
                servedWarm.add(services.get(i));
            }
        }
        assertThat(servedWarm)
                .as("the services the second burst found a warm runtime for")
                .hasSize(grown);
    }

    @Test
    void theWarmRuntimesANodeKeepsAreReservedOfItsMemory() {
        await("lever nodes counts the warm runtimes kept (68 MB a Java one, 17 MB a Node one) as reserved")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    long keptBytes = (68 * kept("java") + 17 * kept("node")) << 20;
                    return keptBytes > 0 && platform.api("/nodes").contains("\"memoryWarmRuntimesBytes\":" + keptBytes);
                });
        String table = platform.lever("nodes").stdout();
        assertThat(table).contains("WARM RUNTIMES");
        assertThat(table.lines()
                        .filter(line -> line.startsWith("local"))
                        .findFirst()
                        .orElseThrow())
                .as("a size in the warm runtimes' column, not '-'")
                .containsPattern("[\\d.]+ [MG]B +\\d+ MB +\\d+ +\\d+$");
    }

    /** Calls {@code instanceId} of each service at the same moment; the instances that answered. */
    private static List<String> callAllAtOnce(List<String> services) {
        List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String service : services) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> platform.postJson("/" + service + "/instanceId", "[]"), callers));
            }
        }
        List<String> instances = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.join();
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertThat(response.statusCode()).as(body).isEqualTo(200);
            instances.add(body.replace("\"", ""));
        }
        return instances;
    }

    /**
     * Waits until no service has an instance on the data plane, draining ones included (their idle
     * timeout is 2 s), so that each next call is a cold start. (The control plane's list learns of a new
     * instance from the next load report, so right after a first call it may show none.)
     */
    private static void awaitZeroInstances(List<String> services) {
        for (String service : services) {
            await(service + " back to zero instances")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> PrometheusScrape.sum(
                                    platform.dataPlaneMetrics(),
                                    "lever_dataplane_instances",
                                    Map.of("service", service))
                            == 0);
        }
    }

    private static void awaitIdleJavaRuntimes(int count) {
        await(count + " warm Java runtimes trained and idle")
                .atMost(Duration.ofSeconds(60))
                .until(() -> gauge("lever_dataplane_warm_runtimes", "java") >= count);
    }

    /** How many warm runtimes of {@code entry} ({@code java}, {@code node}) the data plane keeps now. */
    private static long kept(String entry) {
        return (long) gauge("lever_dataplane_warm_runtimes_kept", entry);
    }

    private static double gauge(String name, String entry) {
        return PrometheusScrape.sum(platform.dataPlaneMetrics(), name, Map.of("entry", entry));
    }
}
