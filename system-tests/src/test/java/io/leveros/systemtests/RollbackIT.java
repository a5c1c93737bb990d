package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions through the real platform: {@code lever versions} says which is live and who deployed
 * each, {@code lever rollback} makes a kept one live again (the previous one, or {@code --to N}),
 * and the control plane keeps the newest 10 versions of a service, deleting the others' code.
 */
class RollbackIT {
    @TempDir
    static Path temp;

    static LeverPlatform platform;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("rollback");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** Deploys a Node service {@code name} whose {@code which} answers {@code answer}. */
    private static void deploy(String name, String answer) {
        Path folder = temp.resolve(name + "-" + answer);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("lever.json"), "{\"name\": \"" + name + "\", \"jsEntry\": \"server.js\"}");
            Files.writeString(folder.resolve("server.js"), "module.exports.which = async () => '" + answer + "';\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    private static void answers(String name, String expected) {
        await(name + " answers " + expected).atMost(Duration.ofSeconds(20)).until(() -> new String(
                        platform.postJson("/" + name + "/which", "[]").body(), StandardCharsets.UTF_8)
                .equals("\"" + expected + "\""));
    }

    @Test
    void rollbackMakesThePreviousOrTheNamedVersionLiveAgain() {
        deploy("flip", "one");
        deploy("flip", "two");
        answers("flip", "two");

        LeverPlatform.CliResult back = platform.lever("rollback", "flip");
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(back.stdout()).isEqualTo("Rolled back flip in dev.lever: v1 is live (was v2).\n");
        answers("flip", "one");

        LeverPlatform.CliResult versions = platform.lever("versions", "flip");
        assertThat(versions.stdout().lines().filter(line -> line.startsWith("v1")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("live").contains("root"));

        LeverPlatform.CliResult forward = platform.lever("rollback", "flip", "--to", "2");
        assertThat(forward.exitCode()).as(forward.toString()).isZero();
        answers("flip", "two");

        LeverPlatform.CliResult missing = platform.lever("rollback", "flip", "--to", "9");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("version 9 of flip is not kept (kept: [1, 2])");
        answers("flip", "two");

        LeverPlatform.CliResult audit = platform.lever("audit");
        assertThat(audit.stdout()).contains("rollback");

        String metrics = platform.dataPlaneMetrics();
        for (String version : new String[] {"1", "2"}) {
            assertThat(PrometheusScrape.sum(
                            metrics,
                            "lever_dataplane_call_duration_seconds_count",
                            Map.of("service", "flip", "version", version, "status", "200")))
                    .as("calls to v" + version + " are counted apart, to compare versions")
                    .isPositive();
        }
    }

    @Test
    void aTrafficSplitSendsEachVersionItsShareOfCallsWithinFivePercent() {
        deploy("canary", "stable");
        deploy("canary", "canary");
        LeverPlatform.CliResult split = platform.lever("traffic", "canary", "v1=80", "v2=20");
        assertThat(split.exitCode()).as(split.toString()).isZero();
        assertThat(split.stdout()).isEqualTo("canary in dev.lever: v1=80% v2=20% (v1 is live).\n");
        answers("canary", "canary"); // v2's instance answers too: the split is in place on the data plane
        assertThat(platform.lever("versions", "canary").stdout().lines())
                .anySatisfy(line -> assertThat(line).startsWith("v2 ").contains("live 20%"))
                .anySatisfy(line -> assertThat(line).startsWith("v1 ").contains("live 80%"));
        int calls = 2_000;
        int toCanary = 0;
        for (int i = 0; i < calls; i++) {
            HttpResponse<byte[]> answer = platform.postJson("/canary/which", "[]");
            assertThat(answer.statusCode()).isEqualTo(200);
            toCanary += new String(answer.body(), StandardCharsets.UTF_8).equals("\"canary\"") ? 1 : 0;
        }
        System.out.printf(
                "TRAFFIC FIGURE v2 at 20%%: %d of %d calls (%.1f%%)%n", toCanary, calls, toCanary * 100.0 / calls);
        assertThat(toCanary * 100.0 / calls).isBetween(15.0, 25.0);
        assertThat(PrometheusScrape.sum(
                        platform.dataPlaneMetrics(),
                        "lever_dataplane_call_duration_seconds_count",
                        Map.of("service", "canary", "version", "2", "status", "200")))
                .as("the canary's calls are counted apart")
                .isGreaterThanOrEqualTo(toCanary);

        LeverPlatform.CliResult bad = platform.lever("traffic", "canary", "v1=80", "v2=30");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("invalid traffic split: the shares add up to 110% (expected 100)");
        LeverPlatform.CliResult notAShare = platform.lever("traffic", "canary", "80");
        assertThat(notAShare.exitCode()).isEqualTo(1);
        assertThat(notAShare.stderr()).contains("'80' is not a share (expected vN=PERCENT, e.g. v7=90)");
        LeverPlatform.CliResult clear = platform.lever("traffic", "canary", "--clear");
        assertThat(clear.stdout()).isEqualTo("canary in dev.lever: every call goes to v1 (no split).\n");
        answers("canary", "stable");
        await("no call to v2 any more").atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < 50; i++) {
                if (new String(platform.postJson("/canary/which", "[]").body(), StandardCharsets.UTF_8)
                        .equals("\"canary\"")) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void theNewestTenVersionsAreKeptAndTheOthersCodeIsDeleted() {
        for (int i = 1; i <= 12; i++) {
            deploy("many", "answer " + i);
        }
        answers("many", "answer 12");
        LeverPlatform.CliResult versions = platform.lever("versions", "many");
        assertThat(versions.stdout().lines().filter(line -> line.startsWith("v")))
                .hasSize(10)
                .noneMatch(line -> line.startsWith("v1 ") || line.startsWith("v2 "));
        Path code = platform.dataDir().resolve("code/dev.lever/many");
        await("the forgotten versions' code is deleted")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !Files.exists(code.resolve("1")) && !Files.exists(code.resolve("2.tar.gz")));
        assertThat(code.resolve("3")).exists();
        assertThat(code.resolve("12.tar.gz")).exists();
        LeverPlatform.CliResult gone = platform.lever("rollback", "many", "--to", "2");
        assertThat(gone.stderr()).contains("version 2 of many is not kept");
    }
}
