package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances in Docker containers ({@code lever up --runtime docker}) through a real engine: how each
 * container is set up, and what a deployed service that attacks (the {@code Attacker} test service)
 * can do from inside one: write its root filesystem or code, read the node's secrets or another
 * instance's code or environment, fork without end, take more memory than its {@code ram}. Each
 * attempt is contained, and the node and the other instances go on serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerRuntimeIT {
    @TempDir
    static Path temp;

    static LeverPlatform platform;

    @BeforeAll
    static void start() {
        String tag = DockerImages.runtimeImages();
        platform = LeverPlatform.start("docker-runtime", "--runtime", "docker", "--image-tag", tag);
        deploy(TestServices.javaTestServiceWith(
                temp, "{\"name\": \"attacker\", \"javaEntry\": \"io.leveros.testservice.Attacker\"}"));
        deploy(TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"vault\", \"javaEntry\": \"io.leveros.testservice.TestService\","
                        + " \"config\": {\"password\": \"dev-secret\"}}"));
        deploy(TestServices.nodeTestServiceWith(
                temp, "{\"name\": \"hungry\", \"jsEntry\": \"server.js\", \"ram\": 128}"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
            assertThat(DockerImages.containersLabelled("io.leveros.environment=dev.lever"))
                    .as("containers left after lever up stopped")
                    .isEmpty();
        }
    }

    private static void deploy(Path folder) {
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    private static HttpResponse<byte[]> call(String service, String method, String... jsonArgs) {
        return platform.postJson("/" + service + "/" + method, "[" + String.join(", ", jsonArgs) + "]");
    }

    /** Calls one of the attacker's methods; its answer (JSON text). */
    private static String attack(String method, String... jsonArgs) {
        HttpResponse<byte[]> response = call("attacker", method, jsonArgs);
        assertThat(response.statusCode()).as(method + ": " + body(response)).isEqualTo(200);
        return body(response);
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String quoted(Object value) {
        return "\"" + value + "\"";
    }

    /** The one container of {@code service}'s instance {@code instanceId}. */
    private static String containerOf(String service, String instanceId) {
        List<String> ids = DockerImages.containersLabelled("io.leveros.instance=" + instanceId);
        assertThat(ids)
                .as("the container of " + service + " instance " + instanceId)
                .hasSize(1);
        return ids.getFirst();
    }

    private static String instanceIdOf(String service) {
        HttpResponse<byte[]> id = call(service, "instanceId");
        assertThat(id.statusCode()).as(body(id)).isEqualTo(200);
        return body(id).replace("\"", "");
    }

    @Test
    @Order(1)
    void eachInstanceIsAContainerLabelledAndLockedDown() {
        String instanceId = instanceIdOf("vault");
        String container = containerOf("vault", instanceId);
        String config = DockerImages.docker(
                "inspect",
                "--format",
                "{{json .Config.Labels}} user={{.Config.User}} ro={{.HostConfig.ReadonlyRootfs}}"
                        + " caps={{.HostConfig.CapDrop}} sec={{.HostConfig.SecurityOpt}}"
                        + " mem={{.HostConfig.Memory}} swap={{.HostConfig.MemorySwap}} pids={{.HostConfig.PidsLimit}}"
                        + " net={{.HostConfig.NetworkMode}} image={{.Config.Image}}",
                container);
        assertThat(config)
                .contains("\"io.leveros.environment\":\"dev.lever\"")
                .contains("\"io.leveros.service\":\"vault\"")
                .contains("\"io.leveros.version\":\"1\"")
                .contains("\"io.leveros.instance\":\"" + instanceId + "\"")
                .contains("\"io.leveros.node\":\"local\"")
                .contains("user=10001:10001")
                .contains("ro=true")
                .contains("caps=[ALL]")
                .contains("sec=[no-new-privileges]")
                .contains("mem=" + 256L * 1024 * 1024)
                .contains("swap=" + 256L * 1024 * 1024)
                .contains("pids=512")
                .contains("net=host")
                .contains("image=leveros/java-runtime:" + DockerImages.TAG);
    }

    @Test
    @Order(2)
    void anInstanceIsUnprivilegedAndCannotWriteItsRootOrItsCode() {
        String whoAmI = attack("whoAmI");
        assertThat(whoAmI)
                .contains("\"Uid\":\"10001\\t10001\\t10001\\t10001\"")
                .contains("\"NoNewPrivs\":\"1\"")
                .contains("\"CapEff\":\"0000000000000000\"")
                .contains("\"cwd\":\"/lever/code\"");
        assertThat(attack("write", quoted("/etc/passwd")))
                .as("the image's files")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted("/new-file")))
                .as("the root filesystem")
                .startsWith("\"REFUSED")
                .contains("Read-only file system");
        assertThat(attack("write", quoted("/lever/code/lever.json")))
                .as("its own code")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted("/lever/code/new-file")))
                .as("adding to its own code")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted("/tmp/scratch"))).as("its tmpfs").startsWith("\"OK");
    }

    @Test
    @Order(3)
    void theNodesFilesAndOtherInstancesAreOutOfReach() {
        Path dataDir = platform.dataDir();
        for (String secret : new String[] {"token", "cluster.key", "local-node.credential"}) {
            assertThat(attack("read", quoted(dataDir.resolve(secret))))
                    .as("reading " + secret)
                    .startsWith("\"REFUSED");
        }
        assertThat(attack("list", quoted(dataDir))).as("the data folder").startsWith("\"REFUSED");

        String vault = containerOf("vault", instanceIdOf("vault"));
        String vaultCode = DockerImages.docker(
                "inspect",
                "--format",
                "{{range .Mounts}}{{if eq .Destination \"/lever/code\"}}{{.Source}}{{end}}{{end}}",
                vault);
        assertThat(vaultCode).as("the vault's code folder on the node").startsWith(dataDir.toString());
        assertThat(attack("read", quoted(vaultCode + "/lever.json")))
                .as("another service's code, by its path on the node")
                .startsWith("\"REFUSED");
        long vaultPid = Long.parseLong(DockerImages.docker("inspect", "--format", "{{.State.Pid}}", vault));
        assertThat(attack("environOf", String.valueOf(vaultPid)))
                .as("another instance's environment (its token and config), by its pid on the node")
                .startsWith("\"REFUSED");
        assertThat(attack("list", quoted("/proc")))
                .as("only its own processes")
                .doesNotContain(" " + vaultPid + ",")
                .doesNotContain("[" + vaultPid + ",");
    }

    @Test
    @Order(4)
    void aForkBombIsContainedAndTheNodeGoesOn() {
        String attacker =
                DockerImages.containersLabelled("io.leveros.service=attacker").getFirst();
        assertThat(attack("forkBomb", "2000", "20")).startsWith("\"OK");
        await("the bomb stopped by a refused fork")
                .atMost(Duration.ofSeconds(20))
                .until(() -> platform.logText()
                        .lines()
                        .anyMatch(line ->
                                line.startsWith("lever://dev.lever/attacker v1 [") && line.contains("Cannot fork")));
        assertThat(platform.logText()).doesNotContain("all 2000 started");
        int pids = Integer.parseInt(DockerImages.docker("stats", "--no-stream", "--format", "{{.PIDs}}", attacker));
        assertThat(pids).as("processes and threads in the attacker's container").isBetween(100, 512);

        assertThat(call("vault", "instanceId").statusCode())
                .as("another instance")
                .isEqualTo(200);
        assertThat(DockerImages.docker("version", "--format", "{{.Server.Version}}"))
                .as("the node still forks (a docker command)")
                .isNotEmpty();
    }

    @Test
    @Order(5)
    void anInstanceOverItsRamIsKilledReportedAndReplaced() {
        String first = instanceIdOf("hungry");
        HttpResponse<byte[]> hog = call("hungry", "hog", "400"); // 400 MB, ram is 128
        assertThat(hog.statusCode()).as(body(hog)).isEqualTo(502);
        assertThat(body(hog)).contains("was killed during the call: over its 128 MB ram limit");
        await("the kill is reported").atMost(Duration.ofSeconds(10)).until(() -> platform.api("/scaling")
                .contains("went over its ram (128 MB)"));

        assertThat(instanceIdOf("hungry")).as("a new instance").isNotEqualTo(first);
        assertThat(call("vault", "instanceId").statusCode())
                .as("another instance")
                .isEqualTo(200);
    }

    @Test
    @Order(6)
    void outputGoesToTheLogsLikeAProcesssOutput() {
        String id = instanceIdOf("hungry");
        assertThat(call("hungry", "slow", "1").statusCode()).isEqualTo(200);
        String line = "lever://dev.lever/hungry v1 [" + id + "] slow call started: 1 ms";
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.logText().contains(line));
        LeverPlatform.CliResult logs = platform.lever("logs", "hungry", "--grep", "slow call started");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).contains("slow call started: 1 ms");
    }

    /** Last: kills the data plane, which lever up then starts again. */
    @Test
    @Order(7)
    void containersOfACrashedDataPlaneAreRemovedAtItsNextStart() {
        String before = containerOf("vault", instanceIdOf("vault"));
        ProcessHandle.of(platform.dataPlanePid()).orElseThrow().destroyForcibly();
        await("lever up starts the data plane again and it removes what its predecessor left")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        DockerImages.docker("ps", "-aq", "--no-trunc").lines().noneMatch(before::equals));
        await("calls are served again")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> call("vault", "instanceId").statusCode() == 200);
        assertThat(containerOf("vault", instanceIdOf("vault"))).isNotEqualTo(before);
    }
}
