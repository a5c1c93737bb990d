package io.leveros.runtime.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.leveros.runtime.testservice.SampleService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runtime as a real separate process, started the way the node agent starts it: working
 * directory = a code folder holding {@code classes/}, classpath = the runtime's jars only, port from
 * {@code LEVEROS_PORT} (0 here, the ready line says which one was picked).
 */
final class RuntimeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("^serving .* on 127\\.0\\.0\\.1:(\\d+) in \\d+ ms(, warm)?$");

    private final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();

    private RuntimeProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    /** A code folder whose {@code classes/} holds the test services (and nothing else). */
    static Path codeFolder(Path dir) throws IOException {
        Path testClasses;
        try {
            testClasses = Path.of(SampleService.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path packageDir = Path.of("io", "leveros", "runtime", "testservice");
        Path target = dir.resolve("classes").resolve(packageDir);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(testClasses.resolve(packageDir))) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return dir;
    }

    static RuntimeProcess start(Path codeDir, String className) throws IOException {
        return start(codeDir, className, Map.of());
    }

    /** {@link #start(Path, String)} with more environment variables (e.g. the internal gateway). */
    static RuntimeProcess start(Path codeDir, String className, Map<String, String> moreEnv) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder =
                new ProcessBuilder(java, "-cp", runtimeClassPath(), mainClass(), className).directory(codeDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("LEVEROS_PORT", "0");
        env.put("LEVEROS_LISTEN_HOST", "127.0.0.1");
        env.put("LEVEROS_ENVIRONMENT", "test.lever");
        env.put("LEVEROS_SERVICE", "sample");
        env.put("LEVEROS_INSTANCE_ID", "test-instance");
        env.put("LEVEROS_CODE_VERSION", "1");
        env.putAll(moreEnv);
        return new RuntimeProcess(builder.start());
    }

    /**
     * The runtime started warm ({@code --warm}, with the environment of no instance), then ordered on
     * its standard input to serve {@code className} with {@link #start}'s environment and {@code moreEnv}:
     * what the data plane does with its warm runtimes.
     */
    static RuntimeProcess startWarm(Path codeDir, String className, Map<String, String> moreEnv) throws IOException {
        RuntimeProcess runtime = startWarmWithoutOrder(codeDir);
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.putAll(Map.of(
                "LEVEROS_PORT", "0",
                "LEVEROS_LISTEN_HOST", "127.0.0.1",
                "LEVEROS_ENVIRONMENT", "test.lever",
                "LEVEROS_SERVICE", "sample",
                "LEVEROS_INSTANCE_ID", "test-instance",
                "LEVEROS_CODE_VERSION", "1"));
        env.putAll(moreEnv);
        runtime.order(
                JsonMapper.builder().build().writeValueAsString(Map.of("args", List.of(className), "environment", env))
                        + "\n");
        return runtime;
    }

    /** A warm runtime waiting for its {@link #order}. */
    static RuntimeProcess startWarmWithoutOrder(Path codeDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "--add-opens",
                        "java.base/java.util=ALL-UNNAMED",
                        "-cp",
                        runtimeClassPath(),
                        mainClass(),
                        "--warm")
                .directory(codeDir.toFile());
        builder.environment().put("LEVEROS_INSTANCE_ID", "not-yet-known");
        return new RuntimeProcess(builder.start());
    }

    /** Writes {@code text} to the runtime's standard input and closes it. */
    void order(String text) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String mainClass() {
        return "io.leveros.runtime.JavaRuntimeMain";
    }

    /** {@code target/classes} and the runtime dependencies (written by the build); no test classes. */
    private static String runtimeClassPath() throws IOException {
        Path target = Path.of("target");
        String dependencies =
                Files.readString(target.resolve("runtime-classpath.txt")).strip();
        return target.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator + dependencies;
    }

    /** Waits for the ready line and answers the port it names. */
    int awaitPort() {
        int[] port = {0};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!process.isAlive() && portFromOutput() == 0) {
                throw new AssertionError("the runtime exited with " + process.exitValue() + " before it was ready;"
                        + " stdout: " + stdout + ", stderr: " + stderr);
            }
            port[0] = portFromOutput();
            return port[0] != 0;
        });
        return port[0];
    }

    private int portFromOutput() {
        for (String line : stdout) {
            Matcher matcher = READY.matcher(line);
            if (matcher.matches()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return 0;
    }

    /** Sends SIGTERM (through the handle: {@code Process.destroy()} would also close our pipes). */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit and answers its exit code. */
    int awaitExit(Duration timeout) {
        await().atMost(timeout).until(() -> !process.isAlive());
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pump(InputStream in, List<String> lines) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone and its pipe closed: nothing more to read
            }
        });
    }

    /** All the output so far, for assertion messages. */
    String output() {
        List<String> all = new ArrayList<>(stdout);
        all.addAll(stderr);
        return String.join("\n", all);
    }
}
