package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private static void answersBothMethods(String name) {
        LeverPlatform.CliResult hello = platform.lever("invoke", "/" + name + "/sayHello", "\"world\"");
        assertThat(hello.exitCode()).as(hello.toString()).isZero();
        assertThat(hello.stdout()).isEqualTo("\"Hello, world!\"\n");

        LeverPlatform.CliResult shouted = platform.leverWithInput(
                "\"hey\"\n\"you\"\n".getBytes(StandardCharsets.UTF_8), "stream", "/" + name + "/shoutChan");
        assertThat(shouted.exitCode()).as(shouted.toString()).isZero();
        assertThat(shouted.stdout()).isEqualTo("\"HEY!\"\n\"YOU!\"\n");
    }

    @Test
    void aNewJavaServiceIsBuiltByItsDeployAndAnswersBothMethods(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("hello-java");
        LeverPlatform.CliResult created = platform.lever("new", "hello-java", folder.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout())
                .contains("Wrote the Java service hello-java")
                .contains("./mvnw -q package");

        // Nothing built yet: the deploy builds it with the folder's own Maven wrapper.
        LeverPlatform.CliResult deployed = platform.lever("deploy", folder.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(deployed.stderr()).contains("Building hello-java: ./mvnw -B -q package -DskipTests");
        answersBothMethods("hello-java");

        // Its unit tests pass with its own build, outside Lever's source tree.
        run(folder, List.of(folder.resolve("mvnw").toString(), "-B", "-q", "package"));
        assertThat(Files.readString(folder.resolve("target/surefire-reports/example.hellojava.HelloJavaTest.txt")))
                .contains("Tests run: 2, Failures: 0, Errors: 0");

        // A build that fails deploys nothing: the compiler's error is shown, the live version serves on.
        Path source = folder.resolve("src/main/java/example/hellojava/HelloJava.java");
        Files.writeString(source, Files.readString(source).replace("return \"Hello, \"", "return \"Hi, \" +"));
        run(folder, List.of("rm", "-rf", "target"));
        LeverPlatform.CliResult broken = platform.lever("deploy", folder.toString());
        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.stderr()).contains("HelloJava.java").contains("the build of hello-java failed");
        assertThat(broken.stderr()).contains("nothing was deployed");
        answersBothMethods("hello-java");
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

        LeverPlatform.CliResult deployed = platform.lever("deploy", folder.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        answersBothMethods("helloNode");
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

    private static String answer(String name) {
        return new String(
                platform.postJson("/" + name + "/sayHello", "[\"world\"]").body(), StandardCharsets.UTF_8);
    }

    /**
     * {@code lever dev} on a new service: a saved edit answers through the platform (the time from the
     * save to the new answer is printed) and the new instance's output is printed; a source that does
     * not build, and a lever.json broken mid-edit, deploy nothing.
     */
    private static void devDeploysEachSave(Path temp, String name, String language, String source, String hello)
            throws Exception {
        Path folder = temp.resolve(name);
        LeverPlatform.CliResult created = platform.lever("new", name, "--lang", language, folder.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Path log = temp.resolve("dev.log");
        Process dev = platform.startLever(log, "dev", folder.toString());
        try {
            await("lever dev deployed " + name + " and watches it")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !dev.isAlive() || Files.readString(log).contains("watching"));
            assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(answer(name)).isEqualTo("\"Hello, world!\"");

            Path file = folder.resolve(source);
            long saved = System.nanoTime();
            Files.writeString(file, Files.readString(file).replace(hello, hello.replace("Hello", "Howdy")));
            await("the edit answers")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> answer(name).equals("\"Howdy, world!\""));
            System.out.println("DEV FIGURE: " + language + " file saved -> new answer after "
                    + (System.nanoTime() - saved) / 1_000_000 + " ms");
            await("lever dev prints what the new version's instance wrote")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(log).lines().anyMatch(line -> line.matches(".* v2 \\S+ serving .*")));

            Files.writeString(file, Files.readString(file) + "\nthis is not code(\n");
            await("the source that does not build is shown")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("the live version serves on"));
            assertThat(answer(name)).isEqualTo("\"Howdy, world!\"");

            Files.writeString(folder.resolve("lever.json"), "{\"name\": ");
            await("the broken lever.json is shown")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("lever.json: "));
            assertThat(answer(name)).isEqualTo("\"Howdy, world!\"");
        } finally {
            dev.destroy();
            dev.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void leverDevDeploysEachSavedChangeOfANodeService(@TempDir Path temp) throws Exception {
        devDeploysEachSave(temp, "devNode", "node", "server.js", "'Hello, '");
    }

    @Test
    void leverDevDeploysEachSavedChangeOfAJavaService(@TempDir Path temp) throws Exception {
        devDeploysEachSave(temp, "devJava", "java", "src/main/java/example/devjava/DevJava.java", "\"Hello, \"");
    }
}
