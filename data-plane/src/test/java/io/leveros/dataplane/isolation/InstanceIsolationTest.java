package io.leveros.dataplane.isolation;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static io.leveros.dataplane.testing.TestCode.withCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.dataplane.DataPlane;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import io.leveros.proto.control.RoutingSnapshot;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an instance can reach when the data plane runs as root (as under {@code lever up} and in
 * CI), tried by real instances ({@code TestInstance}'s {@code read}, {@code write}, {@code status})
 * one attempt at a time. The versions' code lies in a data folder only root may enter, as {@code
 * ~/.lever/code} does in {@code /root}.
 */
class InstanceIsolationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;
    static Http http;
    static Path dataDir;
    static Path token;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(InstanceIsolation.effectiveUid() == 0, "separate users need a data plane running as root");
        dataDir = Files.createTempDirectory("lever-data-"); // 0700, like /root/.lever
        token = Files.writeString(dataDir.resolve("token"), "admin token");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--node-id", "isolation");
        http = new Http(dataPlane.port());
        controlPlane.push(routes(1, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> dataPlane.routing().ready());
    }

    /** Services a, b, short and forks v1, and upgraded v{@code upgraded}. */
    static RoutingSnapshot routes(long revision, long upgraded) throws Exception {
        return snapshot(
                revision,
                "dev.lever",
                service("a", withCode(version(1, testInstanceArgv()), code("a"))),
                service("b", withCode(version(1, testInstanceArgv()), code("b"))),
                service("short", withCode(version(1, testInstanceArgv()), code("short"))),
                service("upgraded", withCode(version(upgraded, testInstanceArgv()), code("upgraded"))),
                service("forks", withCode(version(1, forkingArgv()), code("forks"))));
    }

    /** A version's code folder in the data folder, with one file. */
    static Path code(String service) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("code/dev.lever/" + service + "/1"));
        Files.writeString(dir.resolve("code.txt"), "the code of " + service);
        return dir;
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
            controlPlane.close();
        }
        if (dataDir != null) {
            Folders.delete(dataDir);
        }
    }

    @Test
    void aVersionsCodeCopyGoesOnceItIsNoLongerLiveAndItsInstancesHaveExited() throws Exception {
        Path copy = Path.of(call("upgraded", "cwd").asText());
        assertThat(copy).exists();
        controlPlane.push(routes(2, 2));
        await("the old version's copy is removed after its instance drained")
                .atMost(Duration.ofSeconds(20))
                .until(() -> !Files.exists(copy));
        assertThat(Path.of(call("upgraded", "cwd").asText()))
                .as("the new version's copy")
                .exists();
    }

    /** A test instance that leaves a daemon behind: a {@code sleep} its shell started before becoming it. */
    static List<String> forkingArgv() {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "sleep 300 & exec \"$0\" \"$@\""));
        argv.addAll(testInstanceArgv());
        return argv;
    }

    @Test
    void whatAnInstanceLeftRunningIsKilledOnceItExits() throws Exception {
        long pid = call("forks", "pid").asLong();
        int uid = (int) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
        List<Long> leftovers = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        try {
                            return (int) Files.getAttribute(p, "unix:uid") == uid;
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(other -> other != pid)
                    .forEach(leftovers::add);
        }
        assertThat(leftovers).as("the sleep it started, under its uid").isNotEmpty();
        http.json("/forks/crash", "[]");
        await("the sleep is killed once the instance has exited")
                .atMost(Duration.ofSeconds(10))
                .until(() -> leftovers.stream().noneMatch(DataPlaneProcessTest::alive));
    }

    static JsonNode call(String service, String method, String... args) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (String arg : args) {
            body.append(body.length() > 1 ? "," : "").append(JSON.writeValueAsString(arg));
        }
        var response = http.json("/" + service + "/" + method, body.append("]").toString());
        assertThat(response.statusCode())
                .as("%s/%s: %s", service, method, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String attempt(String service, String method, Path path) throws Exception {
        return call(service, method, path.toString()).asText();
    }

    static Map<String, String> status(String service) throws Exception {
        String status = call(service, "status").asText();
        Matcher line = Pattern.compile("(?m)^(\\w+):[ \t]*(.*)$").matcher(status);
        Map<String, String> fields = new java.util.HashMap<>();
        while (line.find()) {
            fields.put(line.group(1), line.group(2).trim());
        }
        return fields;
    }

    @Test
    void anInstanceRunsAsItsOwnUserWithoutPrivileges() throws Exception {
        Map<String, String> a = status("a");
        String uid = a.get("Uid").split("\\s+")[0];
        assertThat(a.get("Uid").split("\\s+"))
                .as("real, effective, saved and fs uid")
                .containsOnly(uid);
        assertThat(Integer.parseInt(uid)).as("uid").isNotZero().isBetween(2_000_000, 2_999_999);
        assertThat(a.get("Groups")).as("supplementary groups").isEmpty();
        assertThat(a.get("NoNewPrivs")).as("no_new_privs").isEqualTo("1");
        assertThat(a.get("CapEff")).as("effective capabilities").isEqualTo("0000000000000000");
        assertThat(a.get("CapPrm")).as("permitted capabilities").isEqualTo("0000000000000000");
        assertThat(a.get("CapBnd")).as("capability bounding set").isEqualTo("0000000000000000");
        assertThat(status("b").get("Uid"))
                .as("another service's instance has another uid")
                .doesNotContain(uid);
    }

    @Test
    void anInstanceCannotReadThePlatformsFiles() throws Exception {
        assertThat(attempt("a", "read", token)).as("the admin token").contains("AccessDenied");
        assertThat(attempt("a", "read", dataDir.resolve("code/dev.lever/a/1/code.txt")))
                .as("its own code where the platform keeps it")
                .contains("AccessDenied");
        assertThat(attempt("a", "read", Path.of("/proc/1/environ")))
                .as("init's environment")
                .startsWith("failed");
        assertThat(attempt(
                        "a", "read", Path.of("/proc/" + ProcessHandle.current().pid() + "/environ")))
                .as("the data plane's environment")
                .contains("AccessDenied");
    }

    @Test
    void anInstanceReadsItsCodeButCannotChangeIt() throws Exception {
        Path cwd = Path.of(call("a", "cwd").asText());
        assertThat(cwd).as("a copy, not the deployed folder").isNotEqualTo(code("a"));
        assertThat(attempt("a", "read", cwd.resolve("code.txt")))
                .as("read its code")
                .isEqualTo("read " + "the code of a".length() + " bytes");
        assertThat(attempt("a", "write", cwd.resolve("code.txt")))
                .as("change its code")
                .contains("AccessDenied");
        assertThat(attempt("a", "write", cwd.resolve("new.txt")))
                .as("add to its code")
                .contains("AccessDenied");
    }

    @Test
    void anInstanceCannotReachAnotherInstance() throws Exception {
        long pidOfB = call("b", "pid").asLong();
        Path codeOfB = Path.of(call("b", "cwd").asText());
        Path tmpOfB = Path.of(call("b", "env").get("TMPDIR").asText());
        assertThat(attempt("a", "read", Path.of("/proc/" + pidOfB + "/environ")))
                .as("the other's environment (its gateway credential)")
                .contains("AccessDenied");
        assertThat(attempt("a", "read", codeOfB.resolve("code.txt")))
                .as("the other version's code copy")
                .contains("AccessDenied");
        assertThat(attempt("a", "write", tmpOfB.resolve("x")))
                .as("the other's temporary folder")
                .contains("AccessDenied");
    }

    @Test
    void anInstanceKeepsItsMemoryLimit() throws Exception {
        Path memory = memoryCgroupOfThisProcess();
        assumeTrue(memory != null && Files.isWritable(memory), "no writable memory cgroup here");
        long pid = call("a", "pid").asLong();
        String id = call("a", "id").asText();
        Path group = memoryCgroupOf(Path.of("/proc/" + pid + "/cgroup"));
        assertThat(group.toString())
                .as("in its own memory cgroup, in its data plane's, though it changed user")
                .startsWith(memory + "/lever-dataplane-")
                .endsWith("/lever-" + id);
        Path limit = group.resolve("memory.limit_in_bytes");
        assumeTrue(Files.exists(limit), "cgroup v1 memory controller");
        assertThat(Files.readString(limit).trim()).isEqualTo(Long.toString(128L * 1024 * 1024));
    }

    static Path memoryCgroupOfThisProcess() throws Exception {
        return memoryCgroupOf(Path.of("/proc/self/cgroup"));
    }

    private static Path memoryCgroupOf(Path procCgroup) throws Exception {
        for (String line : Files.readAllLines(procCgroup)) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && parts[1].equals("memory")) {
                return Path.of("/sys/fs/cgroup/memory").resolve(parts[2].substring(1));
            }
        }
        return null;
    }

    @Test
    void anInstanceHasItsOwnTemporaryFolderUntilItExits() throws Exception {
        JsonNode env = call("short", "env");
        Path tmp = Path.of(env.get("TMPDIR").asText());
        assertThat(env.get("HOME").asText()).as("HOME").isEqualTo(tmp.toString());
        assertThat(attempt("short", "write", tmp.resolve("scratch")))
                .as("write its TMPDIR")
                .isEqualTo("wrote");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)))
                .isEqualTo("rwx------");
        assertThat(Files.getAttribute(tmp, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .as("owned by the instance")
                .isEqualTo(Integer.parseInt(status("short").get("Uid").split("\\s+")[0]));
        http.json("/short/crash", "[]");
        await("its folder is removed once it exits")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !Files.exists(tmp));
    }
}
