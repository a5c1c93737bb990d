package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/swarm/stack.yml} on a real single-node Docker Swarm: {@code ops/swarm/check} joins a swarm, deploys the stack, deploys {@code examples/java-hello} through it with the CLI,
 * calls it over HTTP, waits for Prometheus to scrape both planes, and removes everything again. Where no
 * Docker engine answers the test is skipped with a loud message, except in CI ({@code CI=true}), which
 * must have one. The check's ports and settings come from the environment ({@code LEVER_SWARM_*}, see
 * the script); its images are the container tests' ({@link DockerImages#runtimeImages()}).
 */
class SwarmStackIT {
    private static final Path CHECK = LeverPlatform.HOME.resolve("ops/swarm/check");

    @Test
    void theStackServesAServiceDeployedThroughIt() throws Exception {
        String tag = DockerImages.runtimeImages();

        ProcessBuilder builder = new ProcessBuilder(CHECK.toString()).redirectErrorStream(true);
        // The container tests' images (built once per test run by DockerImages), not the user's latest.
        builder.environment().put("LEVER_SWARM_TAG", tag);
        builder.environment().put("LEVER_SWARM_SKIP_BUILD", "true");
        Process check = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().start(() -> copyLines(check, output));
        boolean finished = check.waitFor(25, TimeUnit.MINUTES);
        if (!finished) {
            check.destroy(); // SIGTERM: the script removes the stack on its way out
            if (!check.waitFor(2, TimeUnit.MINUTES)) {
                check.destroyForcibly();
                check.waitFor(10, TimeUnit.SECONDS);
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(finished)
                .as("ops/swarm/check finished within 25 min; its output:\n" + output)
                .isTrue();
        assertThat(check.exitValue())
                .as("ops/swarm/check's exit code; its output:\n" + output)
                .isZero();
        assertThat(output).contains("\"Hello, world!\"").contains("PASSED");
    }

    /** Prints the check's progress as it comes and keeps it for the assertion messages. */
    private static void copyLines(Process process, StringBuilder output) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println(line);
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("(reading the output failed: ").append(e).append(")\n");
            }
        }
    }
}
