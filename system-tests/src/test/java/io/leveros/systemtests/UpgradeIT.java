package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live upgrades through the real platform under steady load (docs/upgrades.md): {@value #RATE} calls/s
 * for {@code upgrade.seconds} (default 30) per language, a deploy of a new version a third of the way
 * in and a rollback two thirds in. Every call's outcome is counted: none may fail, each answers from the
 * version it should, and a version that cannot start never takes a call. Prints {@code UPGRADE FIGURE}
 * lines: the switch time (deploy started → the last answer from the old version) and the p99 latency
 * during the switch (up to 3 s after that) against the 5 s before it. The latencies are printed, not
 * asserted: with the whole suite on 2 cores, the p99 before any deploy varied from 6 ms to 1.7 s
 * between runs.
 */
class UpgradeIT {
    static final int RATE = 500;
    private static final int SECONDS = Integer.getInteger("upgrade.seconds", 30);

    @TempDir
    static Path temp;

    static LeverPlatform platform;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("upgrade");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aJavaServiceUpgradesAndRollsBackUnderLoadWithoutAFailedCall() throws Exception {
        upgradeUnderLoad(
                "upJava",
                TestServices.javaTestServiceWith(
                        temp, "{\"name\": \"upJava\", \"javaEntry\": \"io.leveros.testservice.TestService\"}"));
    }

    @Test
    void aNodeServiceUpgradesAndRollsBackUnderLoadWithoutAFailedCall() throws Exception {
        upgradeUnderLoad(
                "upNode", TestServices.nodeTestServiceWith(temp, "{\"name\": \"upNode\", \"jsEntry\": \"server.js\"}"));
    }

    @Test
    void aVersionThatCannotStartNeverTakesACallAndTheDeploySaysWhy() throws Exception {
        deploy(TestServices.javaTestServiceWith(
                temp, "{\"name\": \"upBroken\", \"javaEntry\": \"io.leveros.testservice.TestService\"}"));
        Path broken = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"upBroken\", \"javaEntry\": \"io.leveros.testservice.CrashesAtStart\"}");
        List<PacedLoad.Outcome> outcomes;
        LeverPlatform.CliResult deploy;
        try (PacedLoad load = PacedLoad.start(platform.httpPort(), "/upBroken/whoAmI", "[]", 100)) {
            Thread.sleep(1_000);
            deploy = platform.lever("deploy", broken.toString());
            Thread.sleep(1_000);
            load.close();
            outcomes = load.outcomes();
        }
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.stderr())
                .contains("upBroken v2 could not start, so it never went live (v1 keeps serving)")
                .contains("crash at start on purpose")
                .contains("lever logs upBroken --version 2");
        assertThat(outcomes).hasSizeGreaterThan(100);
        assertThat(failures(outcomes)).isEmpty();
        assertThat(outcomes).allSatisfy(call -> assertThat(version(call)).isEqualTo("1"));
        LeverPlatform.CliResult versions = platform.lever("versions", "upBroken");
        assertThat(versions.stdout().lines().filter(line -> line.startsWith("v2 ")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("failed"));
        assertThat(versions.stdout().lines().filter(line -> line.startsWith("v1 ")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("live"));
    }

    @Test
    void aStreamOnTheReplacedVersionRunsOnThenEndsAfterItsGraceSayingWhy() throws Exception {
        Path folder = TestServices.nodeTestServiceWith(
                temp, "{\"name\": \"upStream\", \"jsEntry\": \"server.js\", \"upgradeStreamGrace\": \"2s\"}");
        deploy(folder);
        try (RawHttpStream stream = RawHttpStream.open(
                platform.httpPort(), "/upStream/ReqReplyStreamChan", "application/json", "[\"on v1\"]")) {
            assertThat(stream.status()).isEqualTo(200);
            stream.sendLine("\"one\"");
            assertThat(stream.readLine()).isEqualTo("\"on v1:one received\"");
            deploy(folder);
            long live = System.nanoTime();
            stream.sendLine("\"two\"");
            assertThat(stream.readLine())
                    .as("the stream runs on after v2 went live")
                    .isEqualTo("\"on v1:two received\"");
            assertThat(stream.readLine()).as("then it ends").isNull();
            Duration after = Duration.ofNanos(System.nanoTime() - live);
            assertThat(stream.trailers())
                    .containsEntry("lever-error", "platform")
                    .hasEntrySatisfying("lever-error-message", message -> assertThat(message)
                            .contains("VERSION_REPLACED")
                            .contains("the stream ran on v1 of upStream, which v2 replaced")
                            .contains("upgradeStreamGrace (2000 ms, lever.json)"));
            assertThat(after)
                    .as("the 3 s handover, then the 2 s grace")
                    .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(15));
        }
        assertThat(new String(platform.postJson("/upStream/whoAmI", "[]").body(), StandardCharsets.UTF_8))
                .contains("\"codeVersion\":\"2\"");
    }

    private static void upgradeUnderLoad(String name, Path folder) throws Exception {
        deploy(folder); // waits for v1's first instance
        long third = Duration.ofSeconds(SECONDS).toNanos() / 3;
        long started = System.nanoTime();
        long deployStarted;
        long deployed;
        long rollbackStarted;
        long rolledBack;
        List<PacedLoad.Outcome> outcomes;
        try (PacedLoad load = PacedLoad.start(platform.httpPort(), "/" + name + "/whoAmI", "[]", RATE)) {
            sleepUntil(started + third);
            deployStarted = System.nanoTime();
            deploy(folder);
            deployed = System.nanoTime();
            sleepUntil(started + 2 * third);
            rollbackStarted = System.nanoTime();
            LeverPlatform.CliResult rollback = platform.lever("rollback", name);
            assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
            rolledBack = System.nanoTime();
            sleepUntil(started + 3 * third);
            load.close();
            outcomes = load.outcomes();
        }
        Switch upgrade = Switch.of(outcomes, deployStarted, rollbackStarted, "1");
        Switch back = Switch.of(outcomes, rollbackStarted, Long.MAX_VALUE, "2");
        System.out.printf(
                Locale.ROOT,
                "UPGRADE FIGURE %s: %d calls at %d/s, %d failed; deploy: %s; rollback: %s%n",
                name,
                outcomes.size(),
                RATE,
                outcomes.stream().filter(call -> !call.ok()).count(),
                upgrade,
                back);
        assertThat(failures(outcomes)).as("failed calls").isEmpty();
        assertThat(outcomes.size()).isGreaterThan(RATE * SECONDS * 9 / 10);
        long settle = Duration.ofSeconds(4).toNanos(); // the data plane's 3 s handover, and 1 s more
        assertThat(between(outcomes, deployed + settle, rollbackStarted))
                .as("after the deploy, v2 answers")
                .allSatisfy(call -> assertThat(version(call)).isEqualTo("2"));
        assertThat(between(outcomes, rolledBack + settle, Long.MAX_VALUE))
                .as("after the rollback, v1 answers")
                .allSatisfy(call -> assertThat(version(call)).isEqualTo("1"));
    }

    /**
     * One switch: how long old answers went on, and the latencies in the 5 s before it and during it, up
     * to 3 s after the last old answer (the new instances' first seconds under the whole load).
     */
    private record Switch(double seconds, double p99Before, double p99During, double maxMillis) {
        static Switch of(List<PacedLoad.Outcome> outcomes, long startedNanos, long endNanos, String oldVersion) {
            long lastOld = between(outcomes, startedNanos, endNanos).stream()
                    .filter(call -> version(call).equals(oldVersion))
                    .mapToLong(PacedLoad.Outcome::dueNanos)
                    .max()
                    .orElse(startedNanos);
            List<PacedLoad.Outcome> before =
                    between(outcomes, startedNanos - Duration.ofSeconds(5).toNanos(), startedNanos);
            List<PacedLoad.Outcome> during = between(
                    outcomes, startedNanos, lastOld + Duration.ofSeconds(3).toNanos());
            return new Switch(
                    (lastOld - startedNanos) / 1e9,
                    PacedLoad.percentileMillis(before, 99),
                    PacedLoad.percentileMillis(during, 99),
                    PacedLoad.percentileMillis(during, 100));
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "switch %.2f s, p99 %.1f ms before, %.1f ms during (%.2fx), max %.1f ms",
                    seconds,
                    p99Before,
                    p99During,
                    p99Before == 0 ? 0 : p99During / p99Before,
                    maxMillis);
        }
    }

    private static List<PacedLoad.Outcome> between(List<PacedLoad.Outcome> outcomes, long from, long to) {
        return outcomes.stream()
                .filter(call -> call.dueNanos() >= from && call.dueNanos() < to)
                .toList();
    }

    private static List<String> failures(List<PacedLoad.Outcome> outcomes) {
        return outcomes.stream()
                .filter(call -> !call.ok())
                .map(call -> call.status() + " " + (call.error() != null ? call.error() : call.body()))
                .limit(10)
                .collect(Collectors.toList());
    }

    private static String version(PacedLoad.Outcome call) {
        return TestServices.json(call.body()).path("codeVersion").asText();
    }

    private static void deploy(Path folder) {
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
