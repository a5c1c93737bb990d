package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform as an attacker who can deploy one service sees it: the service ({@code
 * testservice.Attacker}) tries, when called, each way in that the security review found, and each
 * attempt is asserted refused, one by one, through a real {@code lever up} with real instances.
 */
class SecurityIT {
    @TempDir
    static Path temp;

    static LeverPlatform platform;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("security", "--header-timeout", "3s");
        deploy("dev.lever", "{\"name\": \"attacker\", \"javaEntry\": \"io.leveros.testservice.Attacker\"}");
        deploy(
                "dev.lever",
                "{\"name\": \"vault\", \"private\": true, \"javaEntry\": \"io.leveros.testservice.TestService\","
                        + " \"config\": {\"password\": \"dev-secret\"}}");
        LeverPlatform.CliResult env = platform.lever("env", "create", "other.lever");
        assertThat(env.exitCode()).as(env.toString()).isZero();
        deploy(
                "other.lever",
                "{\"name\": \"vault\", \"private\": true, \"javaEntry\": \"io.leveros.testservice.TestService\"}");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static void deploy(String env, String leverJson) {
        Path folder = TestServices.javaTestServiceWith(temp, leverJson);
        LeverPlatform.CliResult deploy = platform.lever("--env", env, "deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    /** Calls one of the attacker's methods; its answer (JSON text). */
    private static String attack(String method, String... jsonArgs) {
        HttpResponse<byte[]> response =
                platform.postJson("/attacker/" + method, "[" + String.join(", ", jsonArgs) + "]");
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(method + ": " + body).isEqualTo(200);
        return body;
    }

    private static String quoted(Object value) {
        return "\"" + value + "\"";
    }

    @Test
    void theGatewayTakesOnlyRunningInstancesAndKeepsThemInTheirEnvironment() {
        assertThat(attack("callGateway", quoted("lever://dev.lever/vault/instanceId"), quoted("own")))
                .as("an instance calls a private service of its own environment")
                .startsWith("\"OK");
        assertThat(attack("callGateway", quoted("lever://dev.lever/vault/instanceId"), quoted("none")))
                .as("no token")
                .contains("REFUSED: UNAUTHENTICATED");
        assertThat(attack("callGateway", quoted("lever://dev.lever/vault/instanceId"), quoted("f".repeat(48))))
                .as("a forged token")
                .contains("REFUSED: UNAUTHENTICATED");
        assertThat(attack("callGateway", quoted("lever://other.lever/vault/instanceId"), quoted("own")))
                .as("another environment's private service, by Lever URL")
                .contains("REFUSED: PERMISSION_DENIED");
        assertThat(attack("postToGateway", quoted("/vault/instanceId?forceenv=other.lever")))
                .as("another environment's private service, by ?forceenv=")
                .contains("REFUSED: 403")
                .contains("OTHER_ENVIRONMENT");
    }

    @Test
    void theForwardingPortTakesOnlyTheClustersDataPlanes() {
        assertThat(attack(
                        "callDirectly",
                        quoted("127.0.0.1:" + platform.forwardingPort()),
                        quoted("lever://dev.lever/vault/instanceId")))
                .contains("REFUSED: UNAUTHENTICATED")
                .contains("lever-forwarding-key");
    }

    @Test
    void theControlPlanesGrpcPortTakesOnlyAuthenticatedNodes() {
        String controlPlane = quoted("127.0.0.1:" + platform.grpcPort());
        assertThat(attack("watchRoutes", controlPlane, quoted("")))
                .as("watching routes (every service's config) without a credential")
                .contains("REFUSED: Status{code=UNAUTHENTICATED");
        assertThat(attack(
                        "watchRoutes",
                        controlPlane,
                        quoted("lvn1.local.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
                .as("with a forged credential")
                .contains("REFUSED: Status{code=UNAUTHENTICATED");
        assertThat(attack("reportFakeNode", controlPlane, quoted("attacker"), quoted("127.0.0.1:1")))
                .as("claiming to be a node that serves a service")
                .contains("REFUSED: Status{code=UNAUTHENTICATED");
    }

    @Test
    void theControlPlanesCredentialsAreOutOfReach() {
        Path dataDir = platform.dataDir();
        for (String secret : new String[] {"token", "cluster.key", "local-node.credential"}) {
            assertThat(attack("read", quoted(dataDir.resolve(secret))))
                    .as("reading " + secret)
                    .startsWith("\"REFUSED");
        }
        assertThat(attack("list", quoted(dataDir.resolve("store"))))
                .as("the store")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted(dataDir.resolve("token"))))
                .as("rewriting the token")
                .startsWith("\"REFUSED");
    }

    @Test
    void anInstanceFloodingItsOutputIsDrainedAndDoesNotFloodThePlatformsLog() {
        int before = platform.logText().length();
        assertThat(attack("floodOutput", "300"))
                .as("300 MB without a newline, written in full")
                .startsWith("\"OK");
        await("the note of what was not printed").atMost(Duration.ofSeconds(10)).until(() -> platform.logText()
                .contains("lines of output not printed"));
        assertThat(platform.logText().length() - before)
                .as("what 300 MB of output added to lever up's log")
                .isLessThan(4 * 1024 * 1024);
    }

    /**
     * Slowloris: 200 connections send a request's headers a byte a second and never finish them.
     * Each is answered 408 and closed once its headers took {@code lever up --header-timeout 3s}, and
     * counted, while the port goes on answering.
     */
    @Test
    void connectionsTricklingTheirHeadersAreCutOffWhileCallsGoOn() throws Exception {
        int slow = 200;
        List<Socket> sockets = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < slow; i++) {
                Socket socket = new Socket("127.0.0.1", platform.httpPort());
                socket.setSoTimeout(30_000);
                socket.getOutputStream()
                        .write("POST /attacker/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Thread.sleep(1_000);
                        for (Socket socket : sockets) {
                            try {
                                socket.getOutputStream().write('X');
                            } catch (IOException closed) {
                                // cut off already
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    // the test is over
                }
            });
            try {
                assertThat(platform.dataPlaneMetrics())
                        .as("the port answers meanwhile")
                        .contains("lever_dataplane");
                for (Socket socket : sockets) {
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertThat(answer)
                            .startsWith("HTTP/1.1 408")
                            .contains("within 3s")
                            .contains("lever up --header-timeout");
                }
            } finally {
                trickle.interrupt();
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("until the last was cut off")
                .isBetween(Duration.ofMillis(2_500), Duration.ofSeconds(15));
        Matcher counted = Pattern.compile(
                        "lever_dataplane_client_refusals_total\\{ingress=\"public\",reason=\"header_timeout\",?} (\\d+)")
                .matcher(platform.dataPlaneMetrics());
        assertThat(counted.find()).as("header timeouts counted").isTrue();
        assertThat(Double.parseDouble(counted.group(1))).isGreaterThanOrEqualTo(slow);
    }

    @Test
    void readingTheRestApiNeedsAToken() {
        assertThat(attack("get", quoted(platform.apiUrl() + "/api/v1/environments/dev.lever/services/vault/versions")))
                .contains("REFUSED: 401")
                .doesNotContain("dev-secret");
    }

    @Test
    void anInstanceRunsUnprivilegedAndCannotTouchOtherInstancesOrItsOwnCode() throws Exception {
        String whoAmI = attack("whoAmI");
        assertThat(whoAmI).contains("\"NoNewPrivs\":\"1\"").contains("\"CapEff\":\"0000000000000000\"");
        String uid = whoAmI.replaceAll(".*\"Uid\":\"([0-9]+).*", "$1");
        assertThat(Long.parseLong(uid)).as("the instance's uid").isNotZero();
        String codeDir = whoAmI.replaceAll(".*\"cwd\":\"([^\"]+)\".*", "$1");
        assertThat(attack("write", quoted(codeDir + "/lever.json")))
                .as("rewriting its own code")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted(codeDir + "/new-file")))
                .as("adding to its own code")
                .startsWith("\"REFUSED");
        String tmp = whoAmI.replaceAll(".*\"tmp\":\"([^\"]+)\".*", "$1");
        assertThat(attack("write", quoted(tmp + "/scratch")))
                .as("its own temp folder")
                .startsWith("\"OK");

        String pid = attack("callGateway", quoted("lever://dev.lever/vault/pid"), quoted("own"));
        assertThat(pid).startsWith("\"OK: ");
        long vaultPid = Long.parseLong(pid.replaceAll("[^0-9]", ""));
        assertThat(vaultPid).isPositive();
        assertThat(attack("environOf", String.valueOf(vaultPid)))
                .as("another instance's environment (its token and config)")
                .startsWith("\"REFUSED");
        Path vaultCode = Files.readSymbolicLink(Path.of("/proc/" + vaultPid + "/cwd"));
        assertThat(attack("read", quoted(vaultCode.resolve("lever.json"))))
                .as("another service's code")
                .startsWith("\"REFUSED");
        assertThat(attack("write", quoted(vaultCode.resolve("lever.json"))))
                .as("rewriting another service's code")
                .startsWith("\"REFUSED");
    }
}
