package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code distribution (docs/cluster.md): a node with its own data dir, never given the control plane's,
 * runs versions whose code it can only have fetched; cold starts with the fetch and from its cache are
 * measured; and a node restarted while the control plane is down still starts a version from its cache.
 */
class CodeDistributionIT {
    private static final int RUNS = 5;

    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static SecondNode node;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("code");
        node = SecondNode.join(platform, "fetching");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /** Deploys {@code folder}; returns the SHA-256 of the archive the control plane packed. */
    private static String deploy(Path folder, String name, int version) throws IOException {
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        return sha256(platform.dataDir().resolve("code/dev.lever/" + name + "/" + version + ".tar.gz"));
    }

    /** A call through the node; returns how long it took (ms). */
    private static double callThroughNode(SecondNode through, String name) throws Exception {
        long start = System.nanoTime();
        var reply = platform.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + through.httpAddress() + "/" + name + "/sayHello"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[\"node\"]"))
                .build());
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(reply.statusCode())
                .as(new String(reply.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("node");
        return ms;
    }

    @Test
    void aNodeStartsVersionsFromCodeItFetchedAndFromItsCacheWithNoControlPlane() throws Exception {
        assertThat(node.command())
                .as("the node is never given the control plane's data dir")
                .noneMatch(arg -> arg.contains(platform.dataDir().toString()));
        List<Double> withFetch = new ArrayList<>();
        List<Double> cached = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String name = "fetched" + i;
            Path folder = TestServices.javaTestServiceWith(
                    temp, "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
            String sha256 = deploy(folder, name, 1);
            names.add(name);
            withFetch.add(callThroughNode(node, name)); // the first instance of v1 anywhere: fetch + cold start
            assertThat(node.dataDir().resolve("code").resolve(sha256).resolve("lever.json"))
                    .as("the version's code, fetched into the node's cache")
                    .content()
                    .contains(name);
            // The same code again: version 2 packs into the same archive, so its cold start needs no fetch.
            long routes = routesRevision();
            assertThat(deploy(folder, name, 2)).isEqualTo(sha256);
            await("the node has the routes with version 2")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> routesRevision() > routes);
            cached.add(callThroughNode(node, name));
        }
        assertThat(node.logText())
                .contains("fetched the code of dev.lever/fetched0 version 1")
                .doesNotContain("fetched the code of dev.lever/fetched0 version 2");
        System.out.printf(
                "CodeDistributionIT cold start through a node, Java test service: with fetch median %.0f ms %s; "
                        + "from the node's cache median %.0f ms %s%n",
                median(withFetch), withFetch, median(cached), cached);

        ProcessHandle.of(platform.controlPlanePid()).orElseThrow().destroy();
        assertThat(ProcessHandle.of(platform.controlPlanePid())
                        .orElseThrow()
                        .onExit()
                        .get(60, TimeUnit.SECONDS))
                .isNotNull();
        node.close();
        node = node.restart();
        assertThat(callThroughNode(node, names.getFirst()))
                .as("a restarted node starts a version from its cache while no control plane answers")
                .isPositive();
    }

    /** The revision of the routes the node serves ({@code /_lever/health}). */
    private static long routesRevision() {
        Matcher routes = Pattern.compile("\"routes\":(\\d+)").matcher(node.health());
        return routes.find() ? Long.parseLong(routes.group(1)) : -1;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
