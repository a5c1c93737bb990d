package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runtime contract (docs/contracts.md, "Instance runtime contract"), one test per clause, run
 * against every language runtime through the real platform. Each runtime's test service has the
 * same methods (system-tests/services/java and system-tests/services/node). {@link
 * RuntimeConformanceIT} runs them with instances as processes, {@link DockerRuntimeConformanceIT} with
 * each instance in a container.
 */
abstract class RuntimeConformanceTests {
    private static final int CALLERS_RACING_A_SIGTERM = 16;
    private static LeverPlatform platform;

    @TempDir
    static Path temp;

    /** A runtime under test and the name its test service is deployed as. */
    enum Runtime {
        JAVA("conformJava"),
        NODE("conformNode");

        final String service;

        Runtime(String service) {
            this.service = service;
        }

        Runtime other() {
            return this == JAVA ? NODE : JAVA;
        }
    }

    /** Deploys the Java and the Node test service on {@code started}, the platform of the tests. */
    static void deployBothRuntimesOn(LeverPlatform started) {
        platform = started;
        for (Runtime runtime : Runtime.values()) {
            deployTestService(runtime, runtime.service, "");
        }
    }

    /** Deploys {@code runtime}'s test service as {@code name}, with {@code fields} in its lever.json too. */
    private static void deployTestService(Runtime runtime, String name, String fields) {
        Path folder = runtime == Runtime.JAVA
                ? TestServices.javaTestServiceWith(
                        temp,
                        "{\"name\": \"" + name + "\", \"javaEntry\": \"io.leveros.testservice.TestService\"" + fields
                                + "}")
                : TestServices.nodeTestServiceWith(
                        temp, "{\"name\": \"" + name + "\", \"jsEntry\": \"server.js\"" + fields + "}");
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    /** The platform of the tests. */
    static LeverPlatform platform() {
        return platform;
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
            assertThat(platform.instancePids()).isEmpty();
            assertThat(InstanceProcesses.warmRuntimes())
                    .as("warm runtimes left after the platform stopped")
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void readinessHoldsTheFirstCallAndTheInstanceKnowsWhoItIs(Runtime runtime) {
        HttpResponse<byte[]> who = call(runtime, "whoAmI", "[]");
        assertThat(who.statusCode()).as(body(who)).isEqualTo(200);
        assertThat(body(who))
                .contains("\"env\":\"dev.lever\"")
                .contains("\"service\":\"" + runtime.service + "\"")
                .contains("\"codeVersion\":\"1\"")
                .containsPattern("\"instanceId\":\"[0-9a-f]{8,}\"");
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void everyJsonTypeRoundTrips(Runtime runtime) {
        for (String value : List.of(
                "\"text\"",
                "42",
                "-7",
                "1.5",
                "true",
                "false",
                "null",
                "[]",
                "{}",
                "[1,\"two\",[3],{\"four\":4}]",
                "{\"a\":{\"b\":[true,null,2.25]}}",
                "\"é ✓\"")) {
            HttpResponse<byte[]> echo = call(runtime, "echo", "[" + value + "]");
            assertThat(echo.statusCode()).as(value).isEqualTo(200);
            assertThat(body(echo)).as(value).isEqualTo(value);
        }
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void bytesInAndOut(Runtime runtime) {
        HttpResponse<byte[]> reversed = platform.post(
                "/" + runtime.service + "/reverseBytes",
                "application/octet-stream",
                new byte[] {1, 2, 3, 0, -1},
                Map.of());
        assertThat(reversed.statusCode()).isEqualTo(200);
        assertThat(reversed.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(reversed.body()).containsExactly(-1, 0, 3, 2, 1);
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void errorsOfEachKind(Runtime runtime) {
        HttpResponse<byte[]> message = call(runtime, "fail", "[\"boom\"]");
        assertThat(message.statusCode()).isEqualTo(500);
        assertThat(body(message)).isEqualTo("\"boom\"");

        assertThat(body(call(runtime, "BasicError", "[\"some test\"]"))).isEqualTo("\"error sent: some test\"");

        HttpResponse<byte[]> value = call(runtime, "failWithValue", "[]");
        assertThat(value.statusCode()).isEqualTo(500);
        assertThat(body(value)).contains("\"code\":42").contains("\"reason\":\"custom\"");

        HttpResponse<byte[]> bytes = call(runtime, "failWithBytes", "[]");
        assertThat(bytes.statusCode()).isEqualTo(500);
        assertThat(bytes.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(bytes.body()).containsExactly(1, 2, 3);
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void privateAndUnknownMethodsAreNotFound(Runtime runtime) {
        for (String method : List.of("_secret", "noSuchMethod")) {
            HttpResponse<byte[]> response = call(runtime, method, "[]");
            assertThat(response.statusCode()).as(method).isEqualTo(404);
            assertThat(body(response)).as(method).contains("METHOD_NOT_FOUND").contains(method);
        }
        assertThat(body(call(runtime, "BasicHello", "[\"name\"]"))).isEqualTo("\"hello name\"");
    }

    @ParameterizedTest
    @EnumSource(Runtime.class)
    void callsAnotherServiceThroughTheInternalGateway(Runtime runtime) {
        HttpResponse<byte[]> response =
                call(runtime, "callOther", "[\"" + runtime.other().service + "\", \"sayHello\", \"" + runtime + "\"]");
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(body(response)).isEqualTo("\"Hello, " + runtime + "!\"");
    }

    /**
     * An instance stopped from outside the platform (a SIGTERM it did not send) drains its call in
     * flight; new calls go to another instance while it drains, although the platform does not know
     * yet that it is exiting. The data plane learns it from the instance's GOAWAY, which grpc-java
     * sends a moment after it stops listening: a call in that moment is still the draining
     * instance's to serve, and is answered.
     */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void sigtermDrainsTheCallInFlightAndNewCallsGoToAnotherInstance(Runtime runtime) throws IOException {
        StoppedFromOutside stopped = stopFromOutsideDuringASlowCall(runtime);

        String drainingInstance = "\"" + stopped.id() + "\"";
        boolean sentWhileDraining;
        HttpResponse<byte[]> next;
        do {
            sentWhileDraining = !stopped.inFlight().isDone();
            next = call(runtime, "instanceId", "[]");
            assertThat(next.statusCode()).as(body(next)).isEqualTo(200);
        } while (sentWhileDraining && body(next).equals(drainingInstance));
        assertThat(sentWhileDraining)
                .as("a call sent while the instance drained its slow call went to another instance")
                .isTrue();
        stopped.drainedAndExited();
    }

    /** As {@link #sigtermDrainsTheCallInFlightAndNewCallsGoToAnotherInstance}, for a stream. */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void aStreamOpenedWhileAnInstanceDrainsFromOutsideGoesToAnother(Runtime runtime) throws IOException {
        StoppedFromOutside stopped = stopFromOutsideDuringASlowCall(runtime);

        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            ClientStream stream =
                    client.service("dev.lever", runtime.service).invokeChan("ReqReplyStreamChan", "draining");
            stream.send("one");
            assertThat(stream.receive(String.class)).isEqualTo("draining:one received");
            stream.close();
        }
        stopped.drainedAndExited();
    }

    /**
     * Calls and streams that race a SIGTERM from outside the platform, sent while sixteen callers keep
     * calling or streaming (half call; a quarter stream with the SDK, through the gRPC relay, and a
     * quarter over HTTP, through the bridge), are all answered: the instance serves the calls and
     * streams it took as it drains, and the ones it refused, whether past its GOAWAY or at its closed
     * port, wait for its replacement (a stream with what its client had sent already). The service is
     * one of its own, with at most one instance, so that the load scales none of the other tests'
     * services up.
     */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void callsAndStreamsRacingASigtermFromOutsideAreAllAnswered(Runtime runtime) throws InterruptedException {
        String service = runtime.service + "Racing";
        deployTestService(runtime, service, ", \"maxInstances\": 1");
        String id = body(call(service, "instanceId", "[]")).replace("\"", "");
        long pid = instancePid(service, id);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS_RACING_A_SIGTERM);
        for (int i = 0; i < CALLERS_RACING_A_SIGTERM; i++) {
            int kind = i % 4; // 0 and 2 call, 1 streams with the SDK, 3 streams over HTTP
            callers.execute(() -> {
                // only the SDK's streams need a client of their own (null is skipped, never closed)
                try (LeverClient client = kind == 1 ? LeverClient.connect(platform.httpAddress()) : null) {
                    while (!stop.get()) {
                        String failure =
                                switch (kind) {
                                    case 1 -> streamOnce(client, service);
                                    case 3 -> httpStreamOnce(service);
                                    default -> callOnce(service);
                                };
                        if (failure == null) {
                            answered.incrementAndGet();
                        } else {
                            failures.add(failure);
                        }
                    }
                }
            });
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= 200 || !failures.isEmpty());
            ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(Path.of("/proc/" + pid)));
            int atExit = answered.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= atExit + 200 || failures.size() > 20);
        } finally {
            stop.set(true);
            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).as("calls not answered").isEmpty();
        awaitExitHeardOf(id, pid);
    }

    /** One call of {@code service}'s echo: null once answered, else what came instead. */
    private static String callOnce(String service) {
        HttpResponse<byte[]> answer = call(service, "echo", "[1]");
        return answer.statusCode() == 200 ? null : answer.statusCode() + " " + body(answer);
    }

    /** One message exchanged on a stream of {@code service}: null once echoed, else what came instead. */
    private static String streamOnce(LeverClient client, String service) {
        try (ClientStream stream = client.service("dev.lever", service).invokeChan("ReqReplyStreamChan", "racing")) {
            stream.send("one");
            String echoed = stream.receive(String.class);
            return echoed.equals("racing:one received") ? null : "the stream echoed " + echoed;
        } catch (RuntimeException e) {
            return "the stream failed: " + e;
        }
    }

    /**
     * One message exchanged on a stream of {@code service} over HTTP (the request body ends after it):
     * null once echoed, else what came instead.
     */
    private static String httpStreamOnce(String service) {
        HttpResponse<byte[]> answer =
                platform.postJson("/" + service + "/ReqReplyStreamChan", "[\"racing\"]\n\"one\"\n");
        return answer.statusCode() == 200 && body(answer).equals("\"racing:one received\"\n")
                ? null
                : "the HTTP stream answered " + answer.statusCode() + " " + body(answer);
    }

    /** An instance sent SIGTERM from outside the platform during a slow call; it listens no more. */
    private record StoppedFromOutside(String id, long pid, CompletableFuture<HttpResponse<byte[]>> inFlight) {
        /** The slow call was answered by the instance; it exited, and the platform logged its exit. */
        void drainedAndExited() {
            HttpResponse<byte[]> answered = inFlight.join();
            assertThat(answered.statusCode()).as(body(answered)).isEqualTo(200);
            assertThat(body(answered)).isEqualTo("\"" + id + "\"");
            awaitExitHeardOf(id, pid);
        }
    }

    /** Instance {@code id}'s process {@code pid} exited, and the platform logged its exit. */
    private static void awaitExitHeardOf(String id, long pid) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(Path.of("/proc/" + pid)));
        String instance = "instance " + id + " (";
        await().atMost(Duration.ofSeconds(15)).until(() -> platform.logText()
                .lines()
                .anyMatch(line -> line.contains(instance) && line.contains(" exited with code ")));
    }

    private static StoppedFromOutside stopFromOutsideDuringASlowCall(Runtime runtime) throws IOException {
        String id = body(call(runtime, "instanceId", "[]")).replace("\"", "");
        long pid = instancePid(runtime.service, id);
        assertThat(listens(pid)).as("instance process " + pid + " listens").isTrue();
        String started = "lever://dev.lever/" + runtime.service + " v1 [" + id.substring(0, Math.min(16, id.length()));
        long before = countLines(platform.logText(), "slow call started: 1500 ms");

        CompletableFuture<HttpResponse<byte[]>> inFlight =
                CompletableFuture.supplyAsync(() -> call(runtime, "slow", "[1500]"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> countLines(platform.logText(), "slow call started: 1500 ms") > before);
        assertThat(platform.logText()).contains(started);
        ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> !listens(pid));
        return new StoppedFromOutside(id, pid, inFlight);
    }

    /**
     * The original system test's stream, through the data plane's gRPC ingress: each message m is
     * answered with "some test:m received", and the stream ends cleanly when the client closes.
     */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void originalReqReplyStreamThroughThePlatform(Runtime runtime) {
        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            ClientStream stream =
                    client.service("dev.lever", runtime.service).invokeChan("ReqReplyStreamChan", "some test");
            for (String message : List.of("one", "two", "three")) {
                stream.send(message);
                assertThat(stream.receive(String.class)).isEqualTo("some test:" + message + " received");
            }
            stream.close();
            assertThat(stream.iterator().hasNext())
                    .as("the stream ends cleanly after the client closes")
                    .isFalse();
        }
    }

    /** LEVER-SPEC.md §3: the original example deploys unchanged and answers all three ways. */
    @org.junit.jupiter.api.Test
    void originalHelloServiceJsWorksUnchanged() {
        LeverPlatform.CliResult deploy = platform.lever("deploy", TestServices.NODE_HELLO.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(platform.lever("invoke", "/helloService/sayHello", "\"world\"")
                        .stdout()
                        .trim())
                .isEqualTo("\"Hello, world!\"");
        assertThat(platform.lever("invoke", "lever://dev.lever/helloService/sayHello", "\"world\"")
                        .stdout()
                        .trim())
                .isEqualTo("\"Hello, world!\"");
        HttpResponse<byte[]> curl = platform.postJson("/helloService/sayHello?forceenv=dev.lever", "[\"world\"]");
        assertThat(body(curl)).isEqualTo("\"Hello, world!\"");
    }

    /** The Node client SDK from outside the platform, through the data plane's public port. */
    @org.junit.jupiter.api.Test
    void nodeClientSdkCallsThroughThePublicPort() throws Exception {
        String script = """
                const leveros = require(process.argv[1]);
                const client = new leveros.Client();
                client.forceHost = process.argv[2];
                client.invokeURL('lever://dev.lever/conformNode/sayHello', 'outside', (err, reply) => {
                  if (err) { console.error('callback: ' + err.message); process.exit(1); }
                  console.log(JSON.stringify(reply));
                  const java = client.service('dev.lever', 'conformJava');
                  java.invoke('add', 2, 3)
                    .then((sum) => { console.log(JSON.stringify(sum)); return java.invoke('fail', 'boom'); })
                    .then(() => { console.error('no error'); process.exit(1); },
                          (error) => { console.log('error: ' + error.message); process.exit(0); });
                });
                """;
        Process node = new ProcessBuilder(
                        "node",
                        "-e",
                        script,
                        LeverPlatform.HOME.resolve("runtimes/node").toString(),
                        platform.httpAddress())
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();
        assertThat(output.lines()).containsExactly("\"Hello, outside!\"", "5", "error: boom");
    }

    /** The Node client SDK's streams from outside, to each runtime's ReqReplyStreamChan. */
    @ParameterizedTest
    @EnumSource(Runtime.class)
    void nodeClientSdkStreamsThroughThePublicPort(Runtime runtime) throws Exception {
        String script = """
                const leveros = require(process.argv[1]);
                const client = new leveros.Client();
                client.forceHost = process.argv[2];
                client.invokeChanURL('lever://dev.lever/' + process.argv[3] + '/ReqReplyStreamChan', 'node',
                  (err, stream) => {
                    if (err) { console.error('callback: ' + err.message); process.exit(1); }
                    const pending = ['one', 'two', 'three'];
                    stream.on('data', (message) => {
                      console.log(JSON.stringify(message));
                      if (pending.length > 0) stream.write(pending.shift()); else stream.end();
                    });
                    stream.on('error', (error) => { console.error('error: ' + error.message); process.exit(1); });
                    stream.on('end', () => { console.log('end'); process.exit(0); });
                    stream.write(pending.shift());
                  });
                """;
        Process node = new ProcessBuilder(
                        "node",
                        "-e",
                        script,
                        LeverPlatform.HOME.resolve("runtimes/node").toString(),
                        platform.httpAddress(),
                        runtime.service)
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();
        assertThat(output.lines())
                .containsExactly("\"node:one received\"", "\"node:two received\"", "\"node:three received\"", "end");
    }

    /**
     * Whether process {@code pid} has a listening TCP socket: one of its open sockets is in the
     * kernel's LISTEN table (state {@code 0A} in {@code /proc/<pid>/net/tcp} and {@code tcp6}).
     */
    private static boolean listens(long pid) throws IOException {
        Set<String> sockets = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (NoSuchFileException closed) {
                    // closed since the folder was read
                }
            }
            for (String table : List.of("tcp", "tcp6")) {
                List<String> rows = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
                for (String row : rows.subList(1, rows.size())) {
                    String[] fields = row.trim().split("\\s+");
                    if (fields[3].equals("0A") && sockets.contains(fields[9])) {
                        return true;
                    }
                }
            }
            return false;
        } catch (NoSuchFileException exited) {
            return false;
        }
    }

    private static long countLines(String text, String needle) {
        return text.lines().filter(line -> line.contains(needle)).count();
    }

    /**
     * The process of instance {@code id}: found by the environment it was started with, or, for one a
     * warm runtime became (started before it was told its environment), asked of the instance itself.
     * (A container's own answer would be a pid of its namespace; its environment finds it.)
     */
    private static long instancePid(String service, String id) {
        List<Long> started = InstanceProcesses.withEnv("LEVEROS_INSTANCE_ID=" + id);
        return started.isEmpty() ? Long.parseLong(body(call(service, "pid", "[]"))) : started.getFirst();
    }

    static HttpResponse<byte[]> call(Runtime runtime, String method, String jsonArgs) {
        return call(runtime.service, method, jsonArgs);
    }

    private static HttpResponse<byte[]> call(String service, String method, String jsonArgs) {
        return platform.postJson("/" + service + "/" + method, jsonArgs);
    }

    static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
