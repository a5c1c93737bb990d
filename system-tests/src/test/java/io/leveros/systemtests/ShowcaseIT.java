package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.client.ClientStream;
import io.leveros.client.Endpoint;
import io.leveros.client.LeverClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chat showcase (examples/java-chat, examples/node-chat) deployed as a user would, each
 * language in its own environment, with two chat instances: rooms are resources (their state in
 * one instance's memory, whichever ingress a call takes), {@code joinChan} streams a room both
 * ways, and every message goes through the moderator service, which chat calls through the SDK.
 */
class ShowcaseIT {
    private static final TypeReference<List<JsonNode>> MESSAGES = new TypeReference<>() {};

    @TempDir
    static Path temp;

    static LeverPlatform platform;

    enum Language {
        JAVA(TestServices.JAVA_CHAT, "java-chat.lever"),
        NODE(TestServices.NODE_CHAT, "node-chat.lever");

        final Path example;
        final String env;

        Language(Path example, String env) {
            this.example = example;
            this.env = env;
        }
    }

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("showcase");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a message that never comes must not hang the suite
    void chatRoomsAreStickyStreamedAndModerated(Language language) {
        succeeds(platform.lever("env", "create", language.env));
        succeeds(platform.lever(
                "deploy",
                "-E",
                language.env,
                language.example.resolve("moderator").toString()));
        Path chat = TestServices.copyWith(language.example.resolve("chat"), temp, "minInstances", 2);
        succeeds(platform.lever("deploy", "-E", language.env, chat.toString()));

        try (LeverClient client = LeverClient.connect(platform.httpAddress())) {
            Endpoint lobby = client.resource(language.env, "chat", "lobby");
            JsonNode first = await("chat answers")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> lobby.invoke(JsonNode.class, "post", "ann", "no spam, please"), answer -> true);
            assertThat(first.get("text").asText())
                    .as("the moderator service cleaned the text")
                    .isEqualTo("no ****, please");
            assertThat(first.get("seq").asLong()).isEqualTo(1);

            ClientStream bob = lobby.invokeChan("joinChan", "bob");
            assertThat(text(bob.receive(JsonNode.class))).isEqualTo("ann: no ****, please");

            LeverPlatform.CliResult overCli = platform.lever(
                    "invoke", "lever://" + language.env + "/chat/lobby/post", "\"ann\"", "\"anyone here?\"");
            succeeds(overCli);
            assertThat(bob.receive(JsonNode.class).get("text").asText()).isEqualTo("anyone here?");

            HttpResponse<byte[]> overHttp =
                    platform.postJson("/chat/kitchen/post?forceenv=" + language.env, "[\"dan\", \"another room\"]");
            assertThat(overHttp.statusCode()).as(body(overHttp)).isEqualTo(200);

            bob.send("heck yes");
            assertThat(text(bob.receive(JsonNode.class)))
                    .as("bob's own message comes back to him cleaned, and nothing from the kitchen")
                    .isEqualTo("bob: **** yes");

            ClientStream carol = lobby.invokeChan("joinChan", "carol");
            List<String> carolSaw = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                carolSaw.add(text(carol.receive(JsonNode.class)));
            }
            assertThat(carolSaw).containsExactly("ann: no ****, please", "ann: anyone here?", "bob: **** yes");
            assertThat(lobby.invoke(new TypeReference<List<String>>() {}, "members"))
                    .containsExactly("bob", "carol");

            carol.send("hi bob");
            assertThat(text(bob.receive(JsonNode.class))).isEqualTo("carol: hi bob");
            assertThat(text(carol.receive(JsonNode.class))).isEqualTo("carol: hi bob");

            bob.close();
            await("bob left when he closed his stream")
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () -> lobby.invoke(new TypeReference<List<String>>() {}, "members"),
                            List.of("carol")::equals);
            carol.close();

            eachRoomKeepsItsOwnOrderedHistory(client, language.env);
            await("the rooms are spread over both chat instances")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> holders(language.env).size() == 2);

            LeverPlatform.CliResult noRoom = platform.lever("invoke", "lever://" + language.env + "/chat/history");
            assertThat(noRoom.exitCode()).isNotZero();
            assertThat(noRoom.stderr()).contains("name a room: call /chat/<room>/<method>");
        }
    }

    /** Ten rooms get twenty messages each, interleaved: each room's history is its own, in order. */
    private static void eachRoomKeepsItsOwnOrderedHistory(LeverClient client, String env) {
        for (int i = 1; i <= 20; i++) {
            for (int room = 0; room < 10; room++) {
                client.resource(env, "chat", "room-" + room).invoke(JsonNode.class, "post", "ann", "message " + i);
            }
        }
        for (int room = 0; room < 10; room++) {
            List<JsonNode> history =
                    client.resource(env, "chat", "room-" + room).invoke(MESSAGES, "history");
            assertThat(history).hasSize(20);
            for (int i = 1; i <= 20; i++) {
                assertThat(history.get(i - 1).get("seq").asLong()).isEqualTo(i);
                assertThat(history.get(i - 1).get("text").asText()).isEqualTo("message " + i);
            }
        }
    }

    @Test
    void theNodeExamplesOwnTestsPass() throws Exception {
        for (String service : List.of("chat", "moderator")) {
            Process test = new ProcessBuilder("node", "--test", "test/")
                    .directory(TestServices.NODE_CHAT.resolve(service).toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(test.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(test.exitValue()).as(output).isZero();
            assertThat(output).contains("# fail 0");
        }
    }

    /** The instances holding rooms of {@code env}'s chat service, from the resources listing. */
    private static Set<String> holders(String env) {
        Set<String> instances = new HashSet<>();
        JsonNode listed = TestServices.json(platform.api("/environments/" + env + "/services/chat/resources"));
        listed.forEach(binding -> instances.add(binding.path("instance").asText()));
        return instances;
    }

    private static String text(JsonNode message) {
        return message.get("user").asText() + ": " + message.get("text").asText();
    }

    private static void succeeds(LeverPlatform.CliResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
