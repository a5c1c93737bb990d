package io.leveros.cli.platform;

import io.leveros.core.process.ExitCodes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A platform component running as a child process of {@code lever up}. Its output goes to the
 * terminal. On Linux it is started through {@code setpriv --pdeathsig SIGTERM} so that it stops
 * even if {@code lever up} itself is killed without a chance to clean up.
 */
public final class ChildProcess {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final String name;
    private final Process process;
    private final long startedNanos = System.nanoTime();
    private volatile long exitedNanos;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        process.onExit().thenRun(() -> exitedNanos = System.nanoTime());
    }

    /** Starts {@code command}; call from a thread that lives as long as the child (pdeathsig). */
    static ChildProcess start(String name, List<String> command) throws IOException {
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            argv.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "SIGTERM", "--"));
        }
        argv.addAll(command);
        Process process = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ChildProcess(name, process);
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** How long it has run (until now, or until it exited). */
    public Duration ran() {
        long exited = exitedNanos;
        return Duration.ofNanos((exited == 0 ? System.nanoTime() : exited) - startedNanos);
    }

    /** How it exited, for messages: {@code exited with code 137 (ended by SIGKILL)}. */
    public String exitDescription() {
        return ExitCodes.exited(process.exitValue());
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code graceSeconds}. */
    void stop(long graceSeconds) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
