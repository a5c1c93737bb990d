package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lever new} as a new user runs it: the written folder builds with its own tools (the Java one
 * outside Lever's source tree, with the Maven wrapper it came with), its unit tests pass, and it deploys
 * to a real platform and answers both of its methods.
 */
class NewServiceIT {
    static LeverPlatform platform;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("new-service");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** Runs a build or test command in {@code folder}; its output is returned, a failure shown. */
    private static String run(Path folder, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as(command + " in " + folder + ":\n" + output)
                .isZero();
        return output;
    }

    private static void deploysAndAnswers(String name, Path folder) {
        LeverPlatform.CliResult deployed = platform.lever("deploy", folder.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

        LeverPlatform.CliResult hello = platform.lever("invoke", "/" + name + "/sayHello", "\"world\"");
        assertThat(hello.exitCode()).as(hello.toString()).isZero();
        assertThat(hello.stdout()).isEqualTo("\"Hello, world!\"\n");

        LeverPlatform.CliResult shouted = platform.leverWithInput(
                "\"hey\"\n\"you\"\n".getBytes(StandardCharsets.UTF_8), "stream", "/" + name + "/shoutChan");
        assertThat(shouted.exitCode()).as(shouted.toString()).isZero();
        assertThat(shouted.stdout()).isEqualTo("\"HEY!\"\n\"YOU!\"\n");
    }

    @Test
    void aNewJavaServiceBuildsOnItsOwnAndAnswersBothMethods(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("hello-java");
        LeverPlatform.CliResult created = platform.lever("new", "hello-java", folder.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout())
                .contains("Wrote the Java service hello-java")
                .contains("./mvnw -q package");

        run(folder, List.of(folder.resolve("mvnw").toString(), "-B", "-q", "package"));
        assertThat(Files.readString(folder.resolve("target/surefire-reports/example.hellojava.HelloJavaTest.txt")))
                .contains("Tests run: 2, Failures: 0, Errors: 0");

        deploysAndAnswers("hello-java", folder);
    }

    @Test
    void aNewNodeServicePassesItsTestsAndAnswersBothMethods(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("helloNode");
        LeverPlatform.CliResult created = platform.lever("new", "helloNode", "--lang", "node", folder.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout()).contains("Wrote the Node.js service helloNode");

        assertThat(run(folder, List.of("node", "--test", "test/")))
                .contains("# pass 2")
                .contains("# fail 0");

        deploysAndAnswers("helloNode", folder);
    }

    @Test
    void aBadNameOrABusyFolderIsRefusedAndNothingIsWritten(@TempDir Path temp) throws IOException {
        LeverPlatform.CliResult badName =
                platform.lever("new", "a!", temp.resolve("bad").toString());
        assertThat(badName.exitCode()).isEqualTo(1);
        assertThat(badName.stderr()).contains("'a!' is not a service name").contains("e.g. helloService");
        assertThat(temp.resolve("bad")).doesNotExist();

        Path busy = Files.createDirectories(temp.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "mine");
        LeverPlatform.CliResult notEmpty = platform.lever("new", "busySvc", busy.toString());
        assertThat(notEmpty.exitCode()).isEqualTo(1);
        assertThat(notEmpty.stderr()).contains("is not empty");
        try (var entries = Files.list(busy)) {
            assertThat(entries.toList()).containsExactly(busy.resolve("notes.txt"));
        }

        LeverPlatform.CliResult badLanguage = platform.lever("new", "rubySvc", "--lang", "ruby");
        assertThat(badLanguage.exitCode()).isEqualTo(1);
        assertThat(badLanguage.stderr()).contains("--lang ruby: expected java or node");
    }
}
