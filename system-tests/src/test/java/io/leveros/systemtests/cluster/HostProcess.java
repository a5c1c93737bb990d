package io.leveros.systemtests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One real process of the cluster (Redis, a control plane, a data plane) running in its host, logging to a file. */
final class HostProcess {
    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    HostProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** Starts it (again), appending to its log. */
    synchronized HostProcess start() {
        try {
            Files.writeString(
                    log,
                    "\n=== start " + String.join(" ", command) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL of the process and everything it started (a machine losing power, for this process). */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        waitFor(10);
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        if (!waitFor(30)) {
            process.destroyForcibly();
            waitFor(10);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    synchronized long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return name + " (log: " + log + ")";
    }
}
