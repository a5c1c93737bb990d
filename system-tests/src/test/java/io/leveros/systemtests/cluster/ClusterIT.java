package io.leveros.systemtests.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leveros.systemtests.LeverPlatform;
import io.leveros.systemtests.TestServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster (docs/cluster.md): Redis, two control planes and three data planes, each on its
 * own host (network namespace, own address, own data folder, nothing shared on disk). Each scenario
 * counts every call's outcome under steady load and prints its figures ({@code CLUSTER FIGURE}
 * lines in the test output).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String HELLO = "[\"world\"]";
    private static final String HELLO_ANSWER = "\"Hello, world!\"";
    private static final Duration PERIOD = Duration.ofMillis(20);

    @TempDir
    static Path temp;

    static LeverCluster cluster;

    @BeforeAll
    static void start() {
        assumeTrue(NetworkHosts.available(), "cluster tests make network namespaces: they need root and `ip`");
        cluster = LeverCluster.start("cluster", 2, 3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Waits until the load's calls are being answered, so what follows is measured under load. */
    private static void awaitAnswering(SteadyLoad load) {
        await("the steady load is answered")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> load.tally().succeeded() >= 20);
    }

    /** A measured window (how long an outage lasts, how long calls are counted), not a wait for something. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void figure(String text) {
        System.out.println("CLUSTER FIGURE: " + text);
    }

    /** Deploys the Java test service as {@code name} with {@code settings} (lever.json keys) and waits until it answers through every node. */
    private static void deploy(String name, String settings) {
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"" + settings + "}");
        LeverPlatform.CliResult deployed = cluster.lever("deploy", folder.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        for (String node : cluster.nodeNames()) {
            await(name + " answers through " + node)
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS()
                                <= condition.getPollInterval().toMillis()) {
                            System.out.println("last answer through " + node + ": " + lastAnswer.get()
                                    + "\nits health: " + cluster.health(node));
                        }
                    })
                    .until(() -> answers(node, "/" + name + "/sayHello"));
        }
    }

    private static final AtomicReference<String> lastAnswer = new AtomicReference<>("");

    private static boolean answers(String node, String path) {
        try {
            var response = cluster.call(node, path, HELLO);
            lastAnswer.set(response.statusCode() + " " + response.body());
            return response.statusCode() == 200 && response.body().equals(HELLO_ANSWER);
        } catch (IOException e) {
            lastAnswer.set(e.toString());
            return false;
        }
    }

    /** The first column of {@code lever services}. */
    private static List<String> serviceNames(String listing) {
        return listing.lines().skip(1).map(line -> line.split("\\s+")[0]).toList();
    }

    /** A string field of control plane {@code controlPlane}'s {@code GET /api/v1/cluster}, or "". */
    private static String clusterField(String controlPlane, String field) {
        String view = cluster.api(controlPlane, "/cluster");
        int at = view.indexOf("\"" + field + "\":\"");
        return at < 0 ? "" : view.substring(at + field.length() + 4, view.indexOf('"', at + field.length() + 4));
    }

    private static boolean leads(String controlPlane) {
        return cluster.api(controlPlane, "/cluster").contains("\"leading\":true");
    }

    private static List<Path> cachedCode(String node) throws IOException {
        Path code = cluster.folder().resolve(node).resolve("data/code");
        if (!Files.isDirectory(code)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(code)) {
            return entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}"))
                    .toList();
        }
    }

    @Test
    @Order(1)
    void everyNodeJoinsFetchesTheCodeAndAnswers() throws IOException {
        await("lever nodes lists the three nodes ready")
                .atMost(Duration.ofSeconds(20))
                .until(() -> {
                    String nodes = cluster.lever("nodes").stdout();
                    return nodes.contains("n1") && nodes.contains("n2") && nodes.contains("n3");
                });
        long started = System.nanoTime();
        deploy("greeter", ", \"minInstances\": 3");
        figure("deploy + first answer through all 3 nodes: " + (System.nanoTime() - started) / 1_000_000 + " ms");
        deploy("second", "");
        await("each node runs one greeter instance, from code it fetched")
                .atMost(Duration.ofSeconds(60))
                .until(() -> cluster.nodeNames().stream().allMatch(node -> {
                    try {
                        return !cachedCode(node).isEmpty();
                    } catch (IOException e) {
                        return false;
                    }
                }));
        for (String cp : cluster.controlPlaneNames()) {
            assertThat(cluster.api(cp, "/nodes")).contains("\"n1\"", "\"n2\"", "\"n3\"");
        }
    }

    @Test
    @Order(2)
    void theLeaderDiesAndTheOtherControlPlaneTakesOverWithoutAFailedCall() {
        await("a control plane leads").atMost(Duration.ofSeconds(10)).until(() -> cluster.controlPlaneNames().stream()
                .anyMatch(ClusterIT::leads));
        String dying = cluster.controlPlaneNames().stream()
                .filter(ClusterIT::leads)
                .findFirst()
                .orElseThrow();
        String other = cluster.controlPlaneNames().stream()
                .filter(cp -> !cp.equals(dying))
                .findFirst()
                .orElseThrow();
        assertThat(clusterField(other, "leaderId")).isEqualTo(clusterField(dying, "controlPlaneId"));
        try (SteadyLoad load =
                SteadyLoad.start(cluster, cluster.nodeNames(), "/greeter/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            awaitAnswering(load);
            SteadyLoad.Tally before = load.tally();
            long killed = System.nanoTime();
            cluster.kill(dying);
            await(other + " leads")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> leads(other));
            figure("leader " + dying + " SIGKILLed -> " + other + " leads after "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms");
            pause(Duration.ofSeconds(5));
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls to a warm service while the leader died: " + during);
            assertThat(during.failed()).as(load.failuresSince(before)).isZero();
            assertThat(during.succeeded()).isPositive();
        } finally {
            cluster.restart(dying);
        }
    }

    @Test
    @Order(6)
    void withEveryControlPlaneDownWarmServicesAnswerAndACrashedInstanceStartsFromTheCache() throws IOException {
        deploy("solo", "");
        String pid = cluster.call("n1", "/solo/pid", "[]").body();
        try (SteadyLoad load =
                SteadyLoad.start(cluster, cluster.nodeNames(), "/greeter/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            awaitAnswering(load);
            SteadyLoad.Tally before = load.tally();
            cluster.controlPlaneNames().forEach(cluster::kill);
            pause(Duration.ofSeconds(5));
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            long crashed = System.nanoTime();
            await("solo answers again through n1, from a new instance started from n1's code cache")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("n1", "/solo/sayHello"));
            figure("solo's instance on n1 SIGKILLed with both control planes down -> answers again after "
                    + (System.nanoTime() - crashed) / 1_000_000 + " ms");
            assertThat(cluster.call("n1", "/solo/pid", "[]").body()).isNotEqualTo(pid);
            pause(Duration.ofSeconds(25));
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls to a warm service during 30 s with both control planes down: " + during);
            assertThat(during.failed()).as(load.failuresSince(before)).isZero();
            assertThat(during.succeeded()).isGreaterThan(1000);
        } finally {
            cluster.controlPlaneNames().forEach(cluster::restart);
        }
        // Recovery: the control planes take deploys again, and a version deployed now starts and
        // answers through every node.
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"afterOutage\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        LeverPlatform.CliResult deployed = cluster.lever("deploy", folder.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        long deployedAt = System.nanoTime();
        assertThat(serviceNames(cluster.lever("services").stdout())).contains("afterOutage", "greeter", "solo");
        for (String node : cluster.nodeNames()) {
            await("afterOutage answers through " + node)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> answers(node, "/afterOutage/sayHello"));
            assertThat(answers(node, "/greeter/sayHello"))
                    .as("greeter through " + node)
                    .isTrue();
        }
        figure("a version deployed once both control planes were back answers through every node "
                + (System.nanoTime() - deployedAt) / 1_000_000 + " ms after the deploy");
    }

    @Test
    @Order(5)
    void redisRestartsAndNothingDeployedIsLost() {
        String versionsBefore = cluster.lever("versions", "greeter").stdout();
        String servicesBefore = cluster.lever("services").stdout();
        try (SteadyLoad load =
                SteadyLoad.start(cluster, cluster.nodeNames(), "/greeter/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            SteadyLoad.Tally before = load.tally();
            cluster.kill("redis");
            Path folder = TestServices.javaTestServiceWith(
                    temp, "{\"name\": \"duringOutage\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
            LeverPlatform.CliResult refused = cluster.lever("deploy", folder.toString());
            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.stderr()).as(refused.toString()).containsIgnoringCase("store");
            long down = System.nanoTime();
            cluster.restart("redis");
            await("a deploy works again once Redis is back")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> cluster.lever("deploy", folder.toString()).exitCode() == 0);
            figure("Redis SIGKILLed and restarted: deploys work again " + (System.nanoTime() - down) / 1_000_000
                    + " ms after the restart began");
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls to a warm service while Redis restarted: " + during);
            assertThat(during.failed()).as(load.failuresSince(before)).isZero();
        }
        assertThat(cluster.lever("versions", "greeter").stdout()).isEqualTo(versionsBefore);
        assertThat(serviceNames(cluster.lever("services").stdout())).containsAll(serviceNames(servicesBefore));
    }

    @Test
    @Order(3)
    void aKilledNodesVersionsAreServedElsewhereAndOnlyCallsInFlightThereFail() throws IOException {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"lonely\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        LeverPlatform.CliResult deployed = cluster.lever("deploy", folder.toString(), "--no-wait");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(cluster.call("n3", "/lonely/sayHello", HELLO).body()).isEqualTo(HELLO_ANSWER);
        // Its one instance is where the autoscaler placed it, or on n3 when the call got there before an
        // instance was ready anywhere (n3 starts its own; the placement then keeps that one): the node
        // killed is the one that serves it, whichever that is.
        String lonelyNode = await("one node serves lonely, and the others know it")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> onlyServer("lonely"), Objects::nonNull);
        List<String> survivors = cluster.nodeNames().stream()
                .filter(node -> !node.equals(lonelyNode))
                .toList();
        try (SteadyLoad load = SteadyLoad.start(cluster, survivors, "/lonely/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            awaitAnswering(load);
            SteadyLoad.Tally before = load.tally();
            long killed = System.nanoTime();
            cluster.kill(lonelyNode);
            await("the control planes drop " + lonelyNode)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !cluster.api("cp1", "/nodes").contains("\"" + lonelyNode + "\""));
            figure(lonelyNode + " SIGKILLed -> dropped from the cluster after "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms");
            SteadyLoad.Tally atDrop = load.tally();
            await("calls through " + survivors + " are answered again (lonely started there from fetched code)")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> load.tally().succeeded() > atDrop.succeeded() + 10);
            figure(lonelyNode + " SIGKILLed -> lonely answered through " + survivors + " again after "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms");
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls through " + survivors + " to a service whose only instance was on " + lonelyNode
                    + ", while it died: " + during);
            // Each caller has at most one call in flight: only those on the killed node at the kill may fail.
            assertThat(during.failed()).as(load.failuresSince(before)).isLessThanOrEqualTo(survivors.size());
            assertThat(during.succeeded()).isPositive();
        } finally {
            cluster.restart(lonelyNode);
        }
    }

    /**
     * The node with the only instance of {@code service} (in {@code dev.lever}), once the control
     * planes' view has just that one, ready, and every other node lists the service among those its
     * peers serve (their health); {@code null} until then.
     */
    private static String onlyServer(String service) {
        String instances = cluster.api("cp1", "/environments/dev.lever/services/" + service + "/instances");
        Matcher nodes = Pattern.compile("\"node\":\"([^\"]+)\"").matcher(instances);
        List<String> serving = nodes.results().map(found -> found.group(1)).toList();
        if (serving.size() != 1 || !instances.contains("\"state\":\"ready\"")) {
            return null;
        }
        String owner = serving.get(0);
        boolean othersKnow = cluster.nodeNames().stream()
                .filter(node -> !node.equals(owner))
                .allMatch(node -> cluster.health(node).contains("\"dev.lever/" + service + "/"));
        return othersKnow ? owner : null;
    }

    @Test
    @Order(4)
    void aNodeCutOffIsDroppedAndComesBackWhenItsLinkDoes() {
        List<String> others = List.of("n1", "n3");
        try (SteadyLoad load = SteadyLoad.start(cluster, others, "/greeter/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            awaitAnswering(load);
            SteadyLoad.Tally before = load.tally();
            long cut = System.nanoTime();
            cluster.network().cut("n2");
            await("n2 is no longer listed as ready")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !cluster.api("cp1", "/nodes").contains("\"n2\""));
            figure("n2's link down -> dropped from the cluster after " + (System.nanoTime() - cut) / 1_000_000 + " ms");
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls through n1, n3 while n2 was cut off: " + during);
            assertThat(during.failed()).as(load.failuresSince(before)).isLessThanOrEqualTo(others.size());
            long back = System.nanoTime();
            cluster.network().reconnect("n2");
            await("n2 reports again")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.api("cp1", "/nodes").contains("\"n2\""));
            figure("n2's link up -> listed again after " + (System.nanoTime() - back) / 1_000_000 + " ms");
            await("calls through n2 answer again")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> answers("n2", "/greeter/sayHello"));
        } finally {
            cluster.network().reconnect("n2");
        }
    }

    /** The control plane {@code node} takes its routes from (its health answer's {@code routesFrom}). */
    private static String routesFrom(String node) {
        Matcher matcher = Pattern.compile("\"routesFrom\":\"([^\"]*)\"").matcher(cluster.health(node));
        if (!matcher.find()) {
            return "";
        }
        String address = matcher.group(1);
        return cluster.controlPlaneNames().stream()
                .filter(cp -> address.equals(cluster.network().address(cp) + ":" + LeverCluster.GRPC_PORT))
                .findFirst()
                .orElse(address);
    }

    /**
     * A control plane whose link goes down sends no reset: the nodes' route streams to it stay open
     * and silent. The nodes notice by their reports going unanswered and take their routes from the
     * other one, so what is deployed meanwhile reaches them.
     */
    @Test
    @Order(7)
    void aControlPlaneCutOffWithoutAResetIsLeftForTheOther() {
        String cut = routesFrom("n1");
        assertThat(cluster.controlPlaneNames())
                .as("n1's routes come from a control plane")
                .contains(cut);
        String other = cluster.controlPlaneNames().stream()
                .filter(cp -> !cp.equals(cut))
                .findFirst()
                .orElseThrow();
        try (SteadyLoad load =
                SteadyLoad.start(cluster, cluster.nodeNames(), "/greeter/sayHello", HELLO, HELLO_ANSWER, PERIOD)) {
            awaitAnswering(load);
            SteadyLoad.Tally before = load.tally();
            long cutAt = System.nanoTime();
            cluster.network().cut(cut);
            for (String node : cluster.nodeNames()) {
                await(node + " takes its routes from " + other)
                        .atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> routesFrom(node).equals(other));
            }
            figure(cut + "'s link down (no reset) -> every node takes its routes from " + other + " after "
                    + (System.nanoTime() - cutAt) / 1_000_000 + " ms");
            long deployAt = System.nanoTime();
            deploy("duringCut", "");
            figure("a version deployed through " + other + " while " + cut + " was cut off answers through every"
                    + " node " + (System.nanoTime() - deployAt) / 1_000_000 + " ms after the deploy began");
            SteadyLoad.Tally during = load.tally().since(before);
            figure("calls to a warm service while " + cut + " was cut off: " + during);
            assertThat(during.failed()).as(load.failuresSince(before)).isZero();
        } finally {
            cluster.network().reconnect(cut);
        }
    }
}
