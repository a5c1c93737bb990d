package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lever logs} against a platform of two nodes (the {@code lever up} node and a second data
 * plane): what instances write is kept on their node and read through the control plane from both,
 * merged by time; {@code -f} follows it live; a crashed instance's last lines are kept; a flooding
 * instance costs the node only its bounded buffer.
 */
class LogsIT {
    private static final Path SERVICE = LeverPlatform.HOME.resolve("system-tests/services/logging");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static SecondNode second;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("logs", "--log-format", "json");
        second = SecondNode.join(platform, "second");
        await("the second node reports")
                .atMost(Duration.ofSeconds(20))
                .until(() -> platform.lever("nodes").stdout().contains("second"));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /** Deploys the logging service as {@code name} with {@code minInstances}. */
    private static void deploy(String name, int minInstances) {
        Path folder = temp.resolve(name);
        try {
            Files.createDirectories(folder);
            Files.copy(SERVICE.resolve("server.js"), folder.resolve("server.js"));
            Files.writeString(
                    folder.resolve("lever.json"),
                    "{\"name\": \"" + name + "\", \"jsEntry\": \"server.js\", \"minInstances\": " + minInstances + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    private static List<JsonNode> logs(String... options) {
        List<String> args = new ArrayList<>(List.of("logs", "--json"));
        args.addAll(List.of(options));
        LeverPlatform.CliResult logs = platform.lever(args.toArray(String[]::new));
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        return logs.stdout().lines().map(TestServices::json).toList();
    }

    private static String say(int port, String service, String text) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + service + "/say"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("[\"" + text + "\"]"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The JSON lines a {@code lever logs -f --json} has printed to {@code output} so far. */
    private static List<JsonNode> followed(Path output) throws IOException {
        return Files.readString(output)
                .lines()
                .filter(line -> line.startsWith("{"))
                .map(TestServices::json)
                .toList();
    }

    private static Set<String> nodes(List<JsonNode> lines) {
        Set<String> nodes = new HashSet<>();
        lines.forEach(line -> nodes.add(line.path("node").asText()));
        return nodes;
    }

    @Test
    void linesOfInstancesOnTwoNodesAreReadMergedByTimeAndFiltered() {
        deploy("twoNodes", 2);
        List<JsonNode> started = await("an instance started on each node")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> logs("twoNodes", "--grep", "started"),
                        lines -> nodes(lines).size() == 2);
        assertThat(nodes(started)).containsExactlyInAnyOrder("local", "second");
        for (JsonNode line : started) {
            assertThat(line.path("env").asText()).isEqualTo("dev.lever");
            assertThat(line.path("service").asText()).isEqualTo("twoNodes");
            assertThat(line.path("version").asLong()).isEqualTo(1);
            assertThat(line.path("stream").asText()).isEqualTo("stdout");
            assertThat(line.path("text").asText())
                    .isEqualTo("started " + line.path("instance").asText());
        }

        for (int i = 0; i < 5; i++) {
            say(platform.httpPort(), "twoNodes", "first " + i);
            say(second.httpPort(), "twoNodes", "second " + i);
        }
        List<JsonNode> all = await("the calls' lines are kept")
                .atMost(Duration.ofSeconds(10))
                .until(() -> logs("twoNodes"), lines -> lines.size() >= 12);
        assertThat(all).extracting(line -> line.path("time").asLong()).isSorted();
        assertThat(all.stream().filter(line -> line.path("text").asText().startsWith("second 3 from")))
                .hasSize(1);

        String instance = started.getFirst().path("instance").asText();
        assertThat(logs("twoNodes", "--instance", instance))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("instance").asText()).isEqualTo(instance));
        assertThat(logs("twoNodes", "-n", "3")).hasSize(3);
        assertThat(logs("twoNodes", "--version", "2")).isEmpty();
        assertThat(logs("twoNodes", "--since", "2099-01-01T00:00:00Z")).isEmpty();

        LeverPlatform.CliResult readable = platform.lever("logs", "twoNodes", "--grep", "started");
        assertThat(readable.stdout().lines()).hasSize(2).allSatisfy(line -> assertThat(line)
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} v1 \\S+ started \\S+"));
    }

    @Test
    void followPrintsEachNewLineOfBothNodesOnce() throws Exception {
        deploy("followed", 2);
        await("an instance started on each node")
                .atMost(Duration.ofSeconds(30))
                .until(() -> nodes(logs("followed", "--grep", "started")).size() == 2);
        Path output = temp.resolve("follow.out");
        Process follow = platform.startLever(output, "logs", "followed", "-f", "--json", "--grep", "live");
        try {
            await("the follower prints new lines")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        say(platform.httpPort(), "followed", "live ready");
                        return followed(output).stream()
                                .anyMatch(line -> line.path("text").asText().startsWith("live ready"));
                    });
            for (int i = 0; i < 10; i++) {
                say(platform.httpPort(), "followed", "live " + i);
                say(second.httpPort(), "followed", "live " + (100 + i));
            }
            // Each instance writes "live done" after its calls' lines, and a node sends its lines in order:
            // once both instances' "live done" lines are in, every line (and any second copy of one) has come.
            Set<String> done = new HashSet<>();
            await("both instances' last line arrives")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        done.add(say(platform.httpPort(), "followed", "live done")
                                .replace("\"", ""));
                        done.add(say(second.httpPort(), "followed", "live done").replace("\"", ""));
                        Set<String> arrived = new HashSet<>();
                        followed(output).stream()
                                .filter(line -> line.path("text").asText().startsWith("live done"))
                                .forEach(line ->
                                        arrived.add(line.path("instance").asText()));
                        return done.size() == 2 && arrived.containsAll(done);
                    });
            List<JsonNode> followed = followed(output).stream()
                    .filter(line -> line.path("text").asText().matches("live \\d+ from .*"))
                    .toList();
            assertThat(followed)
                    .extracting(line -> line.path("text").asText().replaceAll(" from .*", ""))
                    .as("each line once")
                    .doesNotHaveDuplicates()
                    .hasSize(20);
            assertThat(nodes(followed)).containsExactlyInAnyOrder("local", "second");
            assertThat(follow.isAlive()).as("-f runs until stopped").isTrue();
        } finally {
            follow.destroy();
        }
    }

    /**
     * {@code lever up --log-format json}: lever up, both planes and the instances' output write one
     * JSON record a line (until the planes stop: the JVM's own messages then, such as its class-data
     * cache being written on a first stop, are text).
     */
    @Test
    void withLogFormatJsonEveryLineOfThePlatformsLogIsAJsonRecord() {
        deploy("jsonLines", 0);
        String text = "json-" + System.nanoTime();
        String instance = say(platform.httpPort(), "jsonLines", text);
        await("the said line in the platform's log")
                .atMost(Duration.ofSeconds(10))
                .until(() -> platform.logText().contains(text));
        List<JsonNode> records = platform.logText()
                .lines()
                .filter(line -> !line.isBlank())
                .map(line -> {
                    assertThat(line).as("a line of the platform's log").startsWith("{");
                    return TestServices.json(line);
                })
                .toList();
        assertThat(records).allSatisfy(record -> {
            assertThat(record.has("@timestamp")).as(record.toString()).isTrue();
            assertThat(record.at("/log/level").asText()).as(record.toString()).isNotEmpty();
        });
        assertThat(records)
                .extracting(record -> record.at("/service/name")
                        .asText(record.at("/log/logger").asText()))
                .contains("lever-up", "lever-control-plane", "lever-data-plane");
        JsonNode said = records.stream()
                .filter(record -> record.path("message").asText().equals(text + " from " + instance.replace("\"", "")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record of the line " + text + " in " + records));
        assertThat(said.at("/lever/service").asText()).isEqualTo("jsonLines");
        assertThat(said.at("/lever/environment").asText()).isEqualTo("dev.lever");
        assertThat(said.at("/lever/stream").asText()).isEqualTo("stdout");
        assertThat(said.at("/lever/version").asText()).isEqualTo("1");
    }

    @Test
    void aCrashedInstancesLastLinesAreKept() {
        deploy("crashing", 0);
        String instance = say(platform.httpPort(), "crashing", "hello").replace("\"", "");
        HttpResponse<byte[]> crash = platform.postJson("/crashing/crash", "[]");
        assertThat(crash.statusCode()).isEqualTo(200);
        await("the instance exited")
                .atMost(Duration.ofSeconds(20))
                .until(() -> !platform.lever("instances", "crashing").stdout().contains(instance));
        List<JsonNode> lastWords = logs("crashing", "--instance", instance, "--grep", "last words");
        assertThat(lastWords).hasSize(1);
        assertThat(lastWords.getFirst().path("stream").asText()).isEqualTo("stderr");
        assertThat(lastWords.getFirst().path("text").asText()).isEqualTo("last words of " + instance);
    }

    /**
     * 256 MiB of output at the pipe's pace: the node keeps the instance's last lines within its
     * buffer (10,000 lines, 2 MiB of chars), says how many it dropped, and its heap after a full
     * collection is about what it was.
     */
    @Test
    void aFloodingInstanceKeepsOnlyItsBoundedBufferAndTheCountOfWhatWasDropped() {
        deploy("flooding", 0);
        String instance = say(platform.httpPort(), "flooding", "warm");
        long heapBefore = HeapSampler.usedAfterFullGc(platform.dataPlanePid());
        int megabytes = 256;
        HttpResponse<byte[]> flood = platform.postJson("/flooding/flood", "[" + megabytes + "]");
        assertThat(flood.statusCode()).isEqualTo(200);
        long millis = Long.parseLong(new String(flood.body(), StandardCharsets.UTF_8));
        System.out.printf(
                "LogsIT: %d MiB of 1 KiB lines written in %d ms (%.0f MiB/s through the node)%n",
                megabytes, millis, megabytes * 1000.0 / Math.max(1, millis));
        long written = megabytes * 1024L + 3; // and "started", the runtime's "serving server.js ...", "warm"

        await("the flood's lines are kept, the older ones counted")
                .atMost(Duration.ofSeconds(30))
                .until(() -> logs("flooding", "-n", "1")
                        .getFirst()
                        .path("text")
                        .asText()
                        .startsWith("xxx"));
        List<JsonNode> kept = logs("flooding", "-n", "100000");
        JsonNode dropped = kept.getFirst();
        assertThat(dropped.path("stream").asText()).isEqualTo("lever");
        Matcher count = Pattern.compile("\\[(\\d+) earlier lines of this instance were dropped")
                .matcher(dropped.path("text").asText());
        assertThat(count.find()).as(dropped.toString()).isTrue();
        assertThat(Long.parseLong(count.group(1)) + kept.size() - 1).isEqualTo(written);
        assertThat(kept.size() - 1)
                .as("2 MiB of buffer hold about a thousand 1 KiB lines (2 bytes a char)")
                .isBetween(900, 1_000);

        long heapAfter = HeapSampler.usedAfterFullGc(platform.dataPlanePid());
        System.out.printf(
                "LogsIT: data plane heap after a full GC: %d MiB before the flood, %d MiB after%n",
                heapBefore >> 20, heapAfter >> 20);
        assertThat(heapAfter - heapBefore).isLessThan(24L * 1024 * 1024);
        assertThat(say(platform.httpPort(), "flooding", "still answering"))
                .as("the flooding instance lives on")
                .isEqualTo(instance);
    }
}
