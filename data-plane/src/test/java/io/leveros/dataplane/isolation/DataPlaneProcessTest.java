package io.leveros.dataplane.isolation;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.dataplane.testing.DataPlaneProcess;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A data plane in its own process: its instances die with it (the parent-death signal survives
 * their change of user), and one that is not root runs them as itself, or refuses to when told.
 */
class DataPlaneProcessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern INSTANCE_FOLDER = Pattern.compile("their (?:files|temporary folders) in (/\\S+)");
    /** What runs the data plane as the user nobody. */
    static final List<String> AS_NOBODY =
            List.of("/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--");

    FakeControlPlane controlPlane;
    DataPlaneProcess dataPlane;

    @BeforeEach
    void controlPlane() throws Exception {
        assumeTrue(InstanceIsolation.effectiveUid() == 0, "these tests start data planes as root and as nobody");
        assumeTrue(Files.isExecutable(InstanceIsolation.SETPRIV), "setpriv (util-linux) switches users");
        controlPlane = new FakeControlPlane();
        controlPlane.push(snapshot(1, "dev.lever", service("a", version(1, testInstanceArgv()))));
    }

    @AfterEach
    void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
            dataPlane.process().waitFor(10, TimeUnit.SECONDS);
            deleteInstanceFolder(dataPlane.output()); // a killed data plane leaves it behind
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void instancesDieWhenTheirDataPlaneIsKilled() throws Exception {
        dataPlane = new DataPlaneProcess(
                controlPlane, List.of(), Map.of("LEVEROS_TOKEN", "the admin token"), "--node-id", "killed");
        Http http = routed(dataPlane);
        long pid = JSON.readTree(call(http, "/a/pid")).asLong();
        assertThat(uidOf(pid)).as("the instance runs as its own user").isNotZero();
        assertThat(JSON.readTree(call(http, "/a/getenv", "LEVEROS_TOKEN")).asText())
                .as("the data plane's LEVEROS_TOKEN is not passed on")
                .isEqualTo("null");
        dataPlane.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
        try {
            await("the instance dies with its data plane (parent-death signal)")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !alive(pid));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // none left behind if it failed
        }
    }

    @Test
    void theNextDataPlaneToStartRemovesTheInstanceFolderOfAKilledOneAndKeepsARunningOnes() throws Exception {
        DataPlaneProcess running = new DataPlaneProcess(controlPlane, List.of(), Map.of(), "--node-id", "running");
        try {
            dataPlane = new DataPlaneProcess(controlPlane, List.of(), Map.of(), "--node-id", "killed");
            Path killed = instanceFolder(dataPlane);
            Path kept = instanceFolder(running);
            dataPlane.process().destroyForcibly(); // SIGKILL: its folder stays behind
            dataPlane.process().waitFor(10, TimeUnit.SECONDS);
            assertThat(killed).isDirectory();

            InstanceFolder next = InstanceFolder.create(killed.getParent(), "next");
            try {
                assertThat(killed).as("left over by the killed data plane").doesNotExist();
                assertThat(kept).as("the running data plane's").isDirectory();
                assertThat(kept.resolve("lock")).as("still locked by it").exists();
            } finally {
                next.delete();
            }
        } finally {
            running.close();
            running.process().waitFor(10, TimeUnit.SECONDS);
            deleteInstanceFolder(running.output());
        }
    }

    /** The instance folder {@code dataPlane} says it made, once it listens. */
    static Path instanceFolder(DataPlaneProcess dataPlane) throws Exception {
        dataPlane.port();
        Matcher folder = INSTANCE_FOLDER.matcher(dataPlane.output());
        assertThat(folder.find())
                .as("the data plane names its instance folder: %s", dataPlane.output())
                .isTrue();
        return Path.of(folder.group(1));
    }

    @Test
    void aDataPlaneThatIsNotRootRunsInstancesAsItselfAndSaysSo() throws Exception {
        dataPlane =
                new DataPlaneProcess(controlPlane, AS_NOBODY, Map.of(), "--node-id", "nobody", "--allow-unlimited-ram");
        Http http = routed(dataPlane);
        assertThat(dataPlane.output()).as("the warning at start").contains("instances are NOT isolated");
        String status = JSON.readTree(call(http, "/a/status")).asText();
        assertThat(status).as("runs as the data plane's user").containsPattern("(?m)^Uid:\\s+65534\\s");
        assertThat(status).as("no_new_privs").containsPattern("(?m)^NoNewPrivs:\\s+1$");
        JsonNode env = JSON.readTree(call(http, "/a/env"));
        Path tmp = Path.of(env.get("TMPDIR").asText());
        assertThat(Files.getAttribute(tmp, "unix:mode"))
                .as("its own folder: mode 0700")
                .isEqualTo(040700);
        assertThat(env.get("HOME").asText()).isEqualTo(tmp.toString());
    }

    @Test
    void aDataPlaneThatIsNotRootRefusesToStartWhenIsolationIsRequired() throws Exception {
        dataPlane = new DataPlaneProcess(
                controlPlane,
                AS_NOBODY,
                Map.of(),
                "--node-id",
                "refuses",
                "--require-instance-isolation",
                "--allow-unlimited-ram");
        assertThat(dataPlane.process().waitFor(30, TimeUnit.SECONDS))
                .as("it ends")
                .isTrue();
        assertThat(dataPlane.process().exitValue()).as("exit code").isNotZero();
        assertThat(dataPlane.output())
                .contains("--require-instance-isolation: this data plane runs as uid 65534, not root");
    }

    @Test
    void aDataPlaneThatCannotHoldInstancesToTheirRamRefusesToStartUnlessAllowed() throws Exception {
        // As nobody the data plane may make no memory cgroup, as under `ip netns exec` (cgroups hidden).
        dataPlane = new DataPlaneProcess(controlPlane, AS_NOBODY, Map.of(), "--node-id", "no-cgroup");
        assertThat(dataPlane.process().waitFor(30, TimeUnit.SECONDS))
                .as("it ends")
                .isTrue();
        assertThat(dataPlane.process().exitValue()).as("exit code").isNotZero();
        assertThat(dataPlane.output())
                .contains("no writable memory cgroup")
                .contains("nsenter")
                .contains("--allow-unlimited-ram");
    }

    /** The data plane's HTTP API, once it has its routes. */
    static Http routed(DataPlaneProcess dataPlane) throws Exception {
        Http http = new Http(dataPlane.port());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.send(java.net.http.HttpRequest.newBuilder(http.uri("/_lever/health")))
                                .statusCode()
                        == 200);
        return http;
    }

    static String call(Http http, String path, String... args) throws Exception {
        var response = http.json(path, JSON.writeValueAsString(args));
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    static int uidOf(long pid) throws IOException {
        return (int) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
    }

    /** Running: neither gone nor a zombie (nothing here may reap an orphan). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteInstanceFolder(String output) throws IOException {
        Matcher folder = INSTANCE_FOLDER.matcher(output);
        if (folder.find()) {
            Folders.delete(Path.of(folder.group(1)));
        }
    }
}
