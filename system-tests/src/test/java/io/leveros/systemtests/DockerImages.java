package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine and the runtime images of the container tests. The images are built once per test
 * run with {@code ops/images/build --tag it} (its output in {@code target/images-build.log}), or taken
 * as they are with {@code -Dlever.it.imageTag=TAG}. Where no engine answers the tests are skipped, loudly,
 * except in CI ({@code CI=true}), where that is a failure: CI installs and starts one.
 */
final class DockerImages {
    static final String TAG = System.getProperty("lever.it.imageTag", "it");
    private static boolean built;

    private DockerImages() {}

    /** The tag of the runtime images, built if needed; skips (or fails, in CI) without an engine. */
    static synchronized String runtimeImages() {
        requireEngine();
        if (!built && System.getProperty("lever.it.imageTag") == null) {
            Path log = LeverPlatform.HOME.resolve("system-tests/target/images-build.log");
            int exit =
                    run(log, 900, LeverPlatform.HOME.resolve("ops/images/build").toString(), "--tag", TAG);
            assertThat(exit)
                    .as("ops/images/build --tag " + TAG + " failed; its output:\n" + read(log))
                    .isZero();
        }
        built = true;
        return TAG;
    }

    static void requireEngine() {
        int exit = run(LeverPlatform.HOME.resolve("system-tests/target/docker-info.log"), 30, "docker", "info");
        if (exit != 0) {
            String message = "NO DOCKER ENGINE: `docker info` failed (exit " + exit + "); the container tests need"
                    + " one: apt-get install docker.io; dockerd --iptables=false --bridge=none &";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI must have one)");
            }
            System.err.println("\n*** SKIPPED: " + message + " ***\n");
            Assumptions.abort(message);
        }
    }

    /** Runs {@code docker args...}; its standard output. */
    static String docker(String... args) {
        try {
            Process process = new ProcessBuilder(
                            java.util.stream.Stream.concat(java.util.stream.Stream.of("docker"), List.of(args).stream())
                                    .toList())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            return out.trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The ids of the containers (running or not) with this label ({@code name=value}). */
    static List<String> containersLabelled(String label) {
        String ids = docker("ps", "-aq", "--no-trunc", "--filter", "label=" + label);
        return ids.isEmpty() ? List.of() : List.of(ids.split("\\s+"));
    }

    private static int run(Path log, int timeoutSeconds, String... command) {
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1; // no such program
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
