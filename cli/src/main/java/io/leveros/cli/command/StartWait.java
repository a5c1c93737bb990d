package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Waits for a started version (a deploy or rollback) to go live, telling how many of its instances are
 * ready meanwhile. The control plane ends every start: live once its instances are ready, or failed
 * (an instance exited or was not ready in time, with its last output) within its start timeout.
 */
final class StartWait {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Longer than the control plane's default start timeout (3m): it ends the start before this. */
    private static final Duration GIVE_UP = Duration.ofMinutes(10);

    private StartWait() {}

    /** How a start ended: live, or replaced by another version started meanwhile. */
    record Outcome(boolean live, long replacedVersion, long replacedBy, Duration took) {}

    /**
     * Waits until {@code version} of {@code service} is live.
     *
     * @throws CliException when the version could not start (the control plane's reason), or it was
     *     still starting after 10 minutes
     */
    static Outcome await(GlobalOptions global, String service, long version, PrintStream progress) {
        ControlPlaneClient api = global.controlPlane();
        String servicePath = ControlPlaneClient.servicePath(global.env, service);
        long started = System.nanoTime();
        long live = api.get(servicePath).path("liveVersion").asLong();
        long replacing = live == version ? 0 : live;
        progress.printf(
                "Starting %s v%d%s ...%n",
                service, version, replacing > 0 ? " (v" + replacing + " serves meanwhile)" : "");
        int shownReady = 0;
        while (System.nanoTime() - started < GIVE_UP.toNanos()) {
            JsonNode state = versionState(api, servicePath, version);
            String name = state.path("state").asText("");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            switch (name) {
                case "live" -> {
                    return new Outcome(true, replacing, 0, took);
                }
                case "failed" ->
                    throw new CliException(service + " v" + version + " could not start"
                            + (replacing > 0
                                    ? ", so it never went live (v" + replacing + " keeps serving)"
                                    : " (calls to it fail until a version that starts is deployed)")
                            + ": " + state.path("startFailure").asText("no reason recorded")
                            + "\n(see its output with: lever logs " + service + " --version " + version + ")");
                case "kept" -> {
                    JsonNode now = api.get(servicePath);
                    long startingNow = now.path("startingVersion").asLong();
                    return new Outcome(
                            false,
                            replacing,
                            startingNow > 0
                                    ? startingNow
                                    : now.path("liveVersion").asLong(),
                            took);
                }
                default -> {
                    int ready = readyInstances(api, servicePath, version);
                    if (ready != shownReady) {
                        progress.printf("  %d instance%s of v%d ready%n", ready, ready == 1 ? "" : "s", version);
                        shownReady = ready;
                    }
                }
            }
            sleep();
        }
        throw new CliException(service + " v" + version + " is still starting after " + GIVE_UP.toMinutes()
                + " minutes; follow it with: lever versions " + service + " (and lever logs " + service
                + " --version " + version + ")");
    }

    private static JsonNode versionState(ControlPlaneClient api, String servicePath, long version) {
        for (JsonNode candidate : api.get(servicePath + "/versions")) {
            if (candidate.path("version").asLong() == version) {
                return candidate;
            }
        }
        throw new CliException("version " + version + " is no longer kept (a later deploy replaced it and"
                + " lever.deploy.keep-versions dropped it)");
    }

    private static int readyInstances(ControlPlaneClient api, String servicePath, long version) {
        int ready = 0;
        for (JsonNode instance : api.get(servicePath + "/instances")) {
            if (instance.path("version").asLong() == version
                    && "ready".equals(instance.path("state").asText())) {
                ready++;
            }
        }
        return ready;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the version to start");
        }
    }
}
