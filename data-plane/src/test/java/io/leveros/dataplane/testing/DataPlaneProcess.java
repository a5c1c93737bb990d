package io.leveros.dataplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data plane in a process of its own ({@code DataPlaneMain}), for what an in-test data plane
 * cannot show: being killed, or running as another user. Its output is kept and echoed.
 */
public final class DataPlaneProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+) ");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    /**
     * @param prefix what runs the JVM, e.g. {@code setpriv --reuid ...}; empty for nothing
     * @param environment more environment variables for the data plane
     * @param options data-plane options besides the ports (all 0) and the control plane
     */
    public DataPlaneProcess(
            FakeControlPlane controlPlane, List<String> prefix, Map<String, String> environment, String... options)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                SharedTestFiles.classpath(),
                "io.leveros.dataplane.DataPlaneMain",
                "--port",
                "0",
                "--gateway-port",
                "0",
                "--forwarding-port",
                "0",
                "--control-plane",
                controlPlane.address(),
                "--node-credential-file",
                controlPlane.credentialFile().toString()));
        if (!List.of(options).contains("--data-dir")) {
            // the data plane may run as another user: it makes its data dir itself, in a folder all may write
            Path parent = TemporaryFolders.folder("lever-node-");
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
            command.addAll(List.of("--data-dir", parent.resolve("node").toString()));
        }
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        process = builder.start();
        Thread.ofVirtual().start(this::follow);
    }

    private void follow() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                System.out.println("[data plane process] " + line);
                output.add(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException e) {
            // ended
        }
        port.completeExceptionally(new IllegalStateException("the data plane ended before it listened: " + output));
    }

    /** Its public port, once it listens. */
    public int port() throws Exception {
        return port.get(30, TimeUnit.SECONDS);
    }

    public Process process() {
        return process;
    }

    public String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
