package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code lever up} supervises its planes: one killed is reported and restarted, and while the
 * control plane is away the data plane keeps answering every call. (Also: its {@code
 * --request-timeout} reaches the data plane.)
 */
class SupervisionIT {
    private static final String HELLO = "/helloService/sayHello";

    @Test
    void aKilledPlaneIsRestartedAndTheDataPlaneServesThroughAControlPlaneCrash() {
        try (LeverPlatform platform = LeverPlatform.start("supervision", "--request-timeout", "2s")) {
            LeverPlatform.CliResult deploy = platform.lever("deploy", TestServices.JAVA_HELLO.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
            assertThat(body(platform.postJson(HELLO, "[\"warm\"]"))).isEqualTo("\"Hello, warm!\"");

            AtomicBoolean calling = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (calling.get() && System.nanoTime() < deadline) {
                    HttpResponse<byte[]> response = platform.postJson(HELLO, "[\"x\"]");
                    (response.statusCode() == 200 ? answered : failed).incrementAndGet();
                }
            });

            ProcessHandle.of(platform.controlPlanePid()).orElseThrow().destroyForcibly();
            await("lever up reports the crash and restarts the control plane")
                    .atMost(Duration.ofSeconds(10))
                    .until(() ->
                            platform.logText().contains("the control plane exited with code 137 (ended by SIGKILL)"));
            assertThat(platform.logText()).contains("restarting it in").contains("(restart 1)");
            await("the control plane is back").atMost(Duration.ofSeconds(90)).until(() -> platform.logText()
                    .contains("lever: the control plane is back"));
            int before = answered.get();
            await("calls go on after the control plane is back").until(() -> answered.get() > before + 10);
            calling.set(false);
            load.join();
            assertThat(failed.get())
                    .as("calls failed while the control plane was away")
                    .isZero();
            assertThat(answered.get()).isGreaterThan(50);
            LeverPlatform.CliResult services = platform.lever("services");
            assertThat(services.exitCode()).as(services.toString()).isZero();
            assertThat(services.stdout()).contains("helloService");

            LeverPlatform.CliResult testService = platform.lever("deploy", TestServices.JAVA_TEST_SERVICE.toString());
            assertThat(testService.exitCode()).as(testService.toString()).isZero();
            // (A deploy returns once stored; the data plane learns of the new service a moment later.)
            HttpResponse<byte[]> tooSlow = await("testService routed")
                    .until(
                            () -> platform.postJson("/testService/slow", "[4000]"),
                            answer -> answer.statusCode() != 404);
            assertThat(tooSlow.statusCode())
                    .as("lever up --request-timeout 2s: " + body(tooSlow))
                    .isEqualTo(504);
            assertThat(body(tooSlow)).contains("within 2000 ms").contains("lever up --request-timeout");

            ProcessHandle.of(platform.dataPlanePid()).orElseThrow().destroyForcibly();
            await("the data plane is back").atMost(Duration.ofSeconds(90)).until(() -> platform.logText()
                    .contains("lever: the data plane is back"));
            assertThat(platform.logText()).contains("the data plane exited with code 137 (ended by SIGKILL)");
            assertThat(body(platform.postJson(HELLO, "[\"again\"]"))).isEqualTo("\"Hello, again!\"");
        }
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
