package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code distribution (docs/cluster.md): a node with its own data dir, never given the control plane's,
 * runs versions whose code it can only have fetched; a cold start with the fetch, and a deploy of the same
 * code (no fetch) until live, are measured; and a node restarted while the control plane is down still
 * starts a version from its cache.
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

    /**
     * Deploys {@code folder} ({@code options}: e.g. {@code --no-wait}); returns the SHA-256 of the archive
     * the control plane packed.
     */
    private static String deploy(Path folder, String name, int version, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("deploy", folder.toString()));
        args.addAll(List.of(options));
        LeverPlatform.CliResult deploy = platform.lever(args.toArray(String[]::new));
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
        List<String> fetched = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String name = "fetched" + i;
            Path folder = TestServices.javaTestServiceWith(
                    temp, "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
            // --no-wait: the call usually reaches the node before v1's first instance (placed on the first
            // node) is ready, so the node starts its own: fetch + cold start. When the first node's instance
            // is ready first, the node forwards the call to it (docs/cluster.md) and fetches nothing: that
            // run answers, but is no fetch and is not timed as one.
            String sha256 = deploy(folder, name, 1, "--no-wait");
            double ms = callThroughNode(node, name);
            Path fetchedCode = node.dataDir().resolve("code").resolve(sha256).resolve("lever.json");
            if (!Files.exists(fetchedCode)) {
                continue;
            }
            assertThat(fetchedCode)
                    .as("the version's code, fetched into the node's cache")
                    .content()
                    .contains(name);
            fetched.add(name);
            withFetch.add(ms);
            // The same code again: version 2 packs into the same archive, so its instance (started before
            // it goes live, on either node) needs no fetch; the figure is the deploy until v2 is live.
            long deployed = System.nanoTime();
            assertThat(deploy(folder, name, 2)).isEqualTo(sha256);
            cached.add((System.nanoTime() - deployed) / 1e6);
            callThroughNode(node, name);
            assertThat(node.logText())
                    .contains("fetched the code of dev.lever/" + name + " version 1")
                    .doesNotContain("fetched the code of dev.lever/" + name + " version 2");
        }
        assertThat(fetched)
                .as("services whose first call through the node made it fetch their code, of " + RUNS)
                .isNotEmpty();
        System.out.printf(
                "CodeDistributionIT cold start through a node, Java test service (%d of %d runs fetched): with fetch"
                        + " median %.0f ms %s; the same code deployed as v2 until live (no fetch) median %.0f ms %s%n",
                fetched.size(), RUNS, median(withFetch), withFetch, median(cached), cached);

        ProcessHandle.of(platform.controlPlanePid()).orElseThrow().destroy();
        assertThat(ProcessHandle.of(platform.controlPlanePid())
                        .orElseThrow()
                        .onExit()
                        .get(60, TimeUnit.SECONDS))
                .isNotNull();
        node.close();
        node = node.restart();
        assertThat(callThroughNode(node, fetched.getFirst()))
                .as("a restarted node starts a version from its cache while no control plane answers")
                .isPositive();
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
