package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import io.leveros.client.LeverException;
import io.leveros.client.RemoteException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The core platform end to end: the Java test service deployed with the real CLI into a platform
 * started with {@code bin/lever up}, called over HTTP, gRPC (Java client SDK) and the CLI.
 */
class CoreEndToEndIT {
    private static final String SERVICE = "/testService/";
    private static LeverPlatform platform;

    @BeforeAll
    static void startPlatformAndDeploy() {
        platform = LeverPlatform.start("core");
        LeverPlatform.CliResult deploy = platform.lever("deploy", TestServices.JAVA_TEST_SERVICE.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stdout()).contains("Deployed testService v1 to dev.lever");
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
            assertThat(platform.instancePids())
                    .as("instances left after the platform stopped")
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "sayHello | \"world\" | \"Hello, world!\"",
                "BasicHello | \"name\" | \"hello name\"",
                "echo | \"text\" | \"text\"",
                "echo | 42 | 42",
                "echo | 1.5 | 1.5",
                "echo | true | true",
                "echo | null | null",
                "echo | [1,\"two\",[3],{\"four\":4}] | [1,\"two\",[3],{\"four\":4}]",
                "echo | {\"a\":{\"b\":[true,null]}} | {\"a\":{\"b\":[true,null]}}",
                "add | 2, 3 | 5",
                "half | 3 | 1.5",
                "negate | false | true",
                "big | 9007199254740 | 9007199254741",
                "reversed | [1,2,3] | [3,2,1]",
                "counts | [\"a\",\"b\",\"a\"] | {\"a\":2,\"b\":1}",
                "move | {\"x\":1,\"y\":2}, 10, 20 | {\"x\":11,\"y\":22}",
                "older | {\"name\":\"Ada\",\"age\":36} | {\"name\":\"Ada\",\"age\":37}",
                "describeNull | null | \"null\"",
                "describeNull | \"x\" | \"not null\"",
                "doNothing | | null",
            })
    void callsMethodsOverHttpWithEveryJsonType(String method, String args, String expected) {
        HttpResponse<byte[]> response =
                platform.postJson(SERVICE + method + "?forceenv=dev.lever", "[" + (args == null ? "" : args) + "]");
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(body(response)).isEqualTo(expected);
    }

    @Test
    void defaultEnvironmentAndHostHeader() {
        assertThat(body(platform.postJson(SERVICE + "sayHello", "[\"x\"]"))).isEqualTo("\"Hello, x!\"");
        HttpResponse<byte[]> viaHost = platform.post(
                SERVICE + "sayHello",
                "application/json",
                "[\"y\"]".getBytes(StandardCharsets.UTF_8),
                Map.of("Host", "dev.lever"));
        assertThat(body(viaHost)).isEqualTo("\"Hello, y!\"");
        HttpResponse<byte[]> unknownHost = platform.post(
                SERVICE + "sayHello",
                "application/json",
                "[\"z\"]".getBytes(StandardCharsets.UTF_8),
                Map.of("Host", "localhost:" + platform.httpPort()));
        assertThat(body(unknownHost))
                .as("a Host that names no environment means the default")
                .isEqualTo("\"Hello, z!\"");
    }

    @Test
    void byteArgumentsAndResults() {
        HttpResponse<byte[]> response = platform.post(
                SERVICE + "reverseBytes", "application/octet-stream", new byte[] {1, 2, 3, 0, -1}, Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(response.body()).containsExactly(-1, 0, 3, 2, 1);

        HttpResponse<byte[]> count = platform.post(SERVICE + "byteCount", null, new byte[1000], Map.of());
        assertThat(body(count)).isEqualTo("1000");
    }

    @Test
    void serviceErrorsAre500WithTheErrorAsBody() {
        HttpResponse<byte[]> fail = platform.postJson(SERVICE + "fail", "[\"boom\"]");
        assertThat(fail.statusCode()).isEqualTo(500);
        assertThat(fail.headers().firstValue("Lever-Error")).hasValue("service");
        assertThat(body(fail)).isEqualTo("\"boom\"");

        assertThat(body(platform.postJson(SERVICE + "BasicError", "[\"some test\"]")))
                .isEqualTo("\"error sent: some test\"");

        HttpResponse<byte[]> value = platform.postJson(SERVICE + "failWithValue", "[]");
        assertThat(value.statusCode()).isEqualTo(500);
        assertThat(body(value)).contains("\"code\":42").contains("\"reason\":\"custom\"");

        HttpResponse<byte[]> bytes = platform.postJson(SERVICE + "failWithBytes", "[]");
        assertThat(bytes.statusCode()).isEqualTo(500);
        assertThat(bytes.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(bytes.body()).containsExactly(1, 2, 3);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "/testService/sayHello?forceenv=nowhere.lever, 404, ENVIRONMENT_NOT_FOUND",
        "/noSuchService/sayHello, 404, SERVICE_NOT_FOUND",
        "/testService/noSuchMethod, 404, METHOD_NOT_FOUND",
        "/testService/_secret, 404, METHOD_NOT_FOUND",
    })
    void unknownTargetsAre404(String path, int status, String code) {
        HttpResponse<byte[]> response = platform.postJson(path, "[]");
        assertThat(response.statusCode()).as(body(response)).isEqualTo(status);
        assertThat(response.headers().firstValue("Lever-Error")).hasValue("platform");
        assertThat(body(response)).contains("\"code\":\"" + code + "\"").contains("\"message\":");
    }

    @Test
    void badRequestsGetClear400s() {
        HttpResponse<byte[]> malformed = platform.postJson(SERVICE + "sayHello", "[\"world\"");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(body(malformed)).contains("MALFORMED_REQUEST");

        HttpResponse<byte[]> notArray = platform.postJson(SERVICE + "sayHello", "{\"name\":\"world\"}");
        assertThat(notArray.statusCode()).isEqualTo(400);
        assertThat(body(notArray)).contains("expected a JSON array");

        HttpResponse<byte[]> form = platform.post(
                SERVICE + "sayHello",
                "application/x-www-form-urlencoded",
                "a=b".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(form.statusCode()).isEqualTo(400);

        HttpResponse<byte[]> wrongType = platform.postJson(SERVICE + "add", "[\"two\", 3]");
        assertThat(wrongType.statusCode()).as(body(wrongType)).isEqualTo(400);
        assertThat(body(wrongType)).contains("INVALID_ARGUMENTS");
    }

    @Test
    void onlyPostIsAllowedAndCorsFollowsTheOriginal() {
        HttpResponse<byte[]> get = platform.send(
                HttpRequest.newBuilder(URI.create("http://" + platform.httpAddress() + SERVICE + "sayHello"))
                        .GET()
                        .build());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(body(get)).contains("METHOD_NOT_ALLOWED");

        HttpResponse<byte[]> options = platform.send(
                HttpRequest.newBuilder(URI.create("http://" + platform.httpAddress() + SERVICE + "sayHello"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "http://example.test")
                        .build());
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, OPTIONS");
        assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://example.test");

        HttpResponse<byte[]> post = platform.post(
                SERVICE + "sayHello",
                "application/json",
                "[\"cors\"]".getBytes(StandardCharsets.UTF_8),
                Map.of("Origin", "http://example.test"));
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://example.test");
    }

    @Test
    void bodiesOf512KibOrMoreAre413() {
        byte[] big = new byte[512 * 1024];
        HttpResponse<byte[]> response = platform.post(SERVICE + "byteCount", "application/octet-stream", big, Map.of());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(body(response)).contains("PAYLOAD_TOO_LARGE");

        byte[] fits = new byte[512 * 1024 - 1];
        assertThat(body(platform.post(SERVICE + "byteCount", "application/octet-stream", fits, Map.of())))
                .isEqualTo(String.valueOf(fits.length));
    }

    @Test
    void javaClientSdkCallsOverGrpc() {
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            assertThat(client.invokeUrl(String.class, "lever://dev.lever/testService/sayHello", "gRPC"))
                    .isEqualTo("Hello, gRPC!");
            var service = client.service("dev.lever", "testService");
            assertThat(service.invoke(Integer.class, "add", 40, 2)).isEqualTo(42);
            assertThat(service.invoke(byte[].class, "reverseBytes", (Object) new byte[] {1, 2, 3}))
                    .containsExactly(3, 2, 1);
            assertThat(service.invoke(Map.class, "move", Map.of("x", 1, "y", 1), 1, 2))
                    .containsEntry("x", 2)
                    .containsEntry("y", 3);

            RemoteException remote = org.junit.jupiter.api.Assertions.assertThrows(
                    RemoteException.class, () -> service.invoke(String.class, "BasicError", "some test"));
            assertThat(remote.getMessage()).contains("error sent: some test");

            LeverException notFound = org.junit.jupiter.api.Assertions.assertThrows(
                    LeverException.class, () -> service.invoke(String.class, "noSuchMethod"));
            assertThat(notFound.getMessage()).contains("noSuchMethod");
        }
    }

    @Test
    void cliInvokesWithRelativeAndAbsoluteUrls() {
        LeverPlatform.CliResult relative = platform.lever("invoke", "/testService/sayHello", "\"world\"");
        assertThat(relative.exitCode()).as(relative.toString()).isZero();
        assertThat(relative.stdout().trim()).isEqualTo("\"Hello, world!\"");

        LeverPlatform.CliResult absolute = platform.lever("invoke", "lever://dev.lever/testService/add", "1", "2");
        assertThat(absolute.stdout().trim()).isEqualTo("3");

        LeverPlatform.CliResult pretty = platform.lever("invoke", "--pretty", "/testService/echo", "{\"a\":[1]}");
        assertThat(pretty.stdout()).isEqualTo("{\n  \"a\" : [ 1 ]\n}\n");

        LeverPlatform.CliResult stdin =
                platform.leverWithInput(new byte[] {10, 20, 30}, "invoke", "/testService/reverseBytes", "--");
        assertThat(stdin.exitCode()).as(stdin.toString()).isZero();
        assertThat(stdin.stdoutBytes()).containsExactly(30, 20, 10);
    }

    @Test
    void cliTakesArgumentsFromAFileOrStdinAndTimesTheCall(@TempDir Path temp) throws IOException {
        Path args = Files.writeString(temp.resolve("args.json"), "[2, 40]\n");
        LeverPlatform.CliResult fromFile = platform.lever("invoke", "/testService/add", "--args", "@" + args, "--time");
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        assertThat(fromFile.stdout().trim()).isEqualTo("42");
        assertThat(fromFile.stderr()).matches("(?s)lever: lever://dev.lever/testService//add took \\d+\\.\\d ms\\s*");

        LeverPlatform.CliResult fromStdin = platform.leverWithInput(
                "[\"stdin\"]".getBytes(StandardCharsets.UTF_8), "invoke", "/testService/sayHello", "--args", "-");
        assertThat(fromStdin.stdout().trim()).isEqualTo("\"Hello, stdin!\"");

        LeverPlatform.CliResult notAnArray = platform.leverWithInput(
                "\"stdin\"".getBytes(StandardCharsets.UTF_8), "invoke", "/testService/sayHello", "--args", "-");
        assertThat(notAnArray.exitCode()).isEqualTo(1);
        assertThat(notAnArray.stderr()).contains("--args -").contains("expected a JSON array of arguments");

        LeverPlatform.CliResult both = platform.lever("invoke", "/testService/add", "--args", "@" + args, "1");
        assertThat(both.exitCode()).isEqualTo(1);
        assertThat(both.stderr()).contains("there can be no JSONARG as well");

        LeverPlatform.CliResult missing = platform.lever("invoke", "/testService/add", "--args", "@/no/such/args.json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("there is no file /no/such/args.json");
    }

    @Test
    void cliPrintsTheVersionOfEachPart() {
        LeverPlatform.CliResult version = platform.lever("version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        List<String> lines = version.stdout().lines().toList();
        assertThat(lines).hasSize(3);
        String cli = lines.get(0).replaceFirst("^lever CLI\\s+", "");
        assertThat(cli).as("the CLI's jar says its version").isNotBlank().isNotEqualTo("development build");
        assertThat(lines.get(1)).startsWith("control plane").contains(" " + cli + " (" + platform.apiUrl() + ")");
        assertThat(lines.get(2)).startsWith("data plane").contains(" " + cli + " (" + platform.httpAddress() + ")");
    }

    @Test
    void cliPrintsItsCompletionScript() {
        LeverPlatform.CliResult completion = platform.lever("completion");
        assertThat(completion.exitCode()).as(completion.toString()).isZero();
        assertThat(completion.stdout()).contains("_complete_lever").contains("complete -F");
    }

    @Test
    void cliReportsErrorsOnOneLineWithNonZeroExit() {
        LeverPlatform.CliResult serviceError = platform.lever("invoke", "/testService/fail", "\"boom\"");
        assertThat(serviceError.exitCode()).isEqualTo(1);
        assertThat(serviceError.stderr().strip())
                .isEqualTo("lever: error from lever://dev.lever/testService//fail: \"boom\"");

        LeverPlatform.CliResult notJson = platform.lever("invoke", "/testService/sayHello", "world");
        assertThat(notJson.exitCode()).isEqualTo(1);
        assertThat(notJson.stderr()).contains("argument 1 is not JSON");

        LeverPlatform.CliResult unknown = platform.lever("invoke", "/nothing/here", "1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("nothing").contains("404");
    }

    @Test
    void cliStreamsJsonLinesAndBytes() {
        LeverPlatform.CliResult lines = platform.leverWithInput(
                "\"one\"\n\"two\"\n".getBytes(StandardCharsets.UTF_8),
                "stream",
                "/testService/ReqReplyStreamChan",
                "\"some test\"");
        assertThat(lines.exitCode()).as(lines.toString()).isZero();
        assertThat(lines.stdout()).isEqualTo("\"some test:one received\"\n\"some test:two received\"\n");

        byte[] data = new byte[200_000];
        new java.util.Random(7).nextBytes(data);
        LeverPlatform.CliResult echoed = platform.leverWithInput(data, "stream", "--bytes", "/testService/echoChan");
        assertThat(echoed.exitCode()).as(echoed.stderr()).isZero();
        assertThat(echoed.stdoutBytes()).isEqualTo(data);

        LeverPlatform.CliResult notJson =
                platform.leverWithInput("one\n".getBytes(StandardCharsets.UTF_8), "stream", "/testService/echoChan");
        assertThat(notJson.exitCode()).isEqualTo(1);
        assertThat(notJson.stderr()).contains("stdin line 1 is not JSON: one");

        LeverPlatform.CliResult notStreaming = platform.lever("stream", "/testService/sayHello", "\"x\"");
        assertThat(notStreaming.exitCode()).isEqualTo(1);
        assertThat(notStreaming.stderr()).contains("not a streaming method").contains("lever invoke");
    }

    @Test
    void aHandlerErrorMidStreamReachesTheClient() {
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            ClientStream stream = client.service("dev.lever", "testService").invokeChan("failChan");
            stream.send("first");
            assertThat(stream.receive(String.class)).isEqualTo("first");
            RemoteException error = org.junit.jupiter.api.Assertions.assertThrows(
                    RemoteException.class, () -> stream.receive(String.class));
            assertThat(error.getMessage()).contains("failed mid-stream");
        }
    }

    @Test
    void anInstanceKilledMidStreamEndsTheStreamWithAnError(@TempDir Path temp) {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"streamKillService\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        String id =
                body(platform.postJson("/streamKillService/instanceId", "[]")).replace("\"", "");
        long pid = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + id).getFirst();
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            ClientStream stream =
                    client.service("dev.lever", "streamKillService").invokeChan("echoChan");
            stream.send("alive");
            assertThat(stream.receive(String.class)).isEqualTo("alive");

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertThrows(LeverException.class, () -> stream.receive(String.class));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void cliListsServicesAndVersions() {
        LeverPlatform.CliResult services = platform.lever("services");
        assertThat(services.exitCode()).as(services.toString()).isZero();
        assertThat(services.stdout()).contains("testService");
        LeverPlatform.CliResult versions = platform.lever("versions", "testService");
        assertThat(versions.stdout()).contains("v1");
        LeverPlatform.CliResult envs = platform.lever("env", "list");
        assertThat(envs.stdout()).contains("dev.lever");
    }

    @Test
    void invalidLeverJsonIsRefusedAndChangesNothing(@TempDir Path temp) {
        String before = platform.api("/environments/dev.lever/services");
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"brokenService\", \"javaEntry\": \"io.leveros.testservice.TestService\", \"colour\": 1}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("unknown field 'colour'");
        assertThat(platform.api("/environments/dev.lever/services")).isEqualTo(before);
    }

    @Test
    void twoInstancesShareTheLoad(@TempDir Path temp) throws Exception {
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"duoService\", \"javaEntry\": \"io.leveros.testservice.TestService\", \"minInstances\": 2}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        Set<String> seen = new HashSet<>();
        try (var pool = Executors.newFixedThreadPool(4)) {
            for (int round = 0; round < 5 && seen.size() < 2; round++) {
                List<Future<HttpResponse<byte[]>>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(pool.submit(() -> platform.postJson("/duoService/slow", "[200]")));
                }
                for (Future<HttpResponse<byte[]>> call : calls) {
                    HttpResponse<byte[]> response = call.get();
                    assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
                    seen.add(body(response));
                }
            }
        }
        assertThat(seen).hasSize(2);
    }

    @Test
    void instanceKilledWithSigkillIsReplaced(@TempDir Path temp) {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"fragileService\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        String first = body(platform.postJson("/fragileService/instanceId", "[]"));
        String id = first.replace("\"", "");
        List<Long> pids = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + id);
        assertThat(pids).hasSize(1);
        long pid = pids.getFirst();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of("/proc/" + pid)));

        HttpResponse<byte[]> next = platform.postJson("/fragileService/instanceId", "[]");
        assertThat(next.statusCode()).as(body(next)).isEqualTo(200);
        assertThat(body(next)).isNotEqualTo(first);
        assertThat(platform.logText()).contains("lever://dev.lever/fragileService v1");
    }

    @Test
    void servicesCallPrivateServicesThroughTheInternalGateway(@TempDir Path temp) {
        Path folder = TestServices.javaTestServiceWith(
                temp,
                "{\"name\": \"privateService\", \"javaEntry\": \"io.leveros.testservice.TestService\", \"private\": true}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();

        HttpResponse<byte[]> fromOutside = platform.postJson("/privateService/sayHello", "[\"outside\"]");
        assertThat(fromOutside.statusCode()).as(body(fromOutside)).isEqualTo(403);
        assertThat(body(fromOutside)).contains("PRIVATE_SERVICE");

        HttpResponse<byte[]> fromInside =
                platform.postJson(SERVICE + "callOther", "[\"privateService\", \"sayHello\", \"inside\"]");
        assertThat(fromInside.statusCode()).as(body(fromInside)).isEqualTo(200);
        assertThat(body(fromInside)).isEqualTo("\"Hello, inside!\"");
    }

    @Test
    void javaInstancesStartWithTheClassArchiveOnceItIsMade(@TempDir Path temp) throws Exception {
        Path cache = platform.dataDir().resolve("cache");
        await("the Java class-data archive").atMost(Duration.ofMinutes(2)).until(() -> {
            try (var files = Files.list(cache)) {
                return files.anyMatch(f -> f.getFileName().toString().matches("java-runtime-.*\\.jsa"));
            }
        });
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"archivedService\", \"javaEntry\": \"io.leveros.testservice.TestService\"}");
        assertThat(platform.lever("deploy", folder.toString()).exitCode()).isZero();
        String id = body(platform.postJson("/archivedService/instanceId", "[]")).replace("\"", "");
        long pid = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + id).getFirst();
        String commandLine =
                Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        // the archive itself, or (the data folder being private to root) the copy its instances can read
        assertThat(commandLine)
                .containsPattern("-XX:SharedArchiveFile=(" + cache + "|/\\S+/runtime)/java-runtime.*\\.jsa ");
    }

    @Test
    void serviceThatCannotStartGets503WithTheReason(@TempDir Path temp) {
        Path folder = TestServices.javaTestServiceWith(
                temp, "{\"name\": \"overloadedService\", \"javaEntry\": \"io.leveros.testservice.Overloaded\"}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.stderr())
                .contains("overloadedService v1 could not start")
                .contains("greet");
        HttpResponse<byte[]> response = platform.postJson("/overloadedService/greet", "[\"x\"]");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(body(response)).contains("NO_INSTANCE").contains("greet");
    }

    @Test
    void archivesThatEscapeTheirFolderAreRefusedAndWriteNothing() throws Exception {
        String before = platform.api("/environments/dev.lever/services");
        String leverJson = "{\"name\": \"evilService\", \"javaEntry\": \"a.B\"}";
        Path outside = platform.dataDir().resolve("code").resolve("escaped.txt");

        HttpResponse<byte[]> dotDot =
                deployArchive(Archives.tarGz(Map.of("lever.json", leverJson, "../escaped.txt", "gotcha")));
        assertThat(dotDot.statusCode()).as(body(dotDot)).isEqualTo(400);
        assertThat(body(dotDot)).contains("../escaped.txt");

        HttpResponse<byte[]> absolute = deployArchive(
                Archives.tarGz(Map.of("lever.json", leverJson, "/tmp/lever-absolute-escape.txt", "gotcha")));
        assertThat(absolute.statusCode()).as(body(absolute)).isEqualTo(400);

        HttpResponse<byte[]> symlink = deployArchive(
                Archives.tarGzWithSymlink(Map.of("lever.json", leverJson), "passwd", "../../../../../../etc/passwd"));
        assertThat(symlink.statusCode()).as(body(symlink)).isEqualTo(400);

        HttpResponse<byte[]> notGzip = deployArchive("not an archive".getBytes(StandardCharsets.UTF_8));
        assertThat(notGzip.statusCode()).as(body(notGzip)).isEqualTo(400);

        HttpResponse<byte[]> noToken = platform.send(
                HttpRequest.newBuilder(URI.create(platform.apiUrl() + "/api/v1/environments/dev.lever/deployments"))
                        .header("Content-Type", "application/gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Archives.tarGz(Map.of("lever.json", leverJson))))
                        .build());
        assertThat(noToken.statusCode()).isEqualTo(401);

        assertThat(outside).doesNotExist();
        assertThat(Path.of("/tmp/lever-absolute-escape.txt")).doesNotExist();
        try (var leftovers = Files.list(platform.dataDir().resolve("code"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .doesNotContain("escaped.txt")
                    .allSatisfy(name -> assertThat(name).doesNotStartWith(".tmp"));
        }
        assertThat(platform.api("/environments/dev.lever/services")).isEqualTo(before);
    }

    private static HttpResponse<byte[]> deployArchive(byte[] archive) {
        return platform.send(
                HttpRequest.newBuilder(URI.create(platform.apiUrl() + "/api/v1/environments/dev.lever/deployments"))
                        .header("Content-Type", "application/gzip")
                        .header("Authorization", "Bearer " + platform.token())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(archive))
                        .build());
    }

    static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
