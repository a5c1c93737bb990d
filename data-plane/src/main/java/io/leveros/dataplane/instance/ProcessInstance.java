package io.leveros.dataplane.instance;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** An instance running as an OS process. */
final class ProcessInstance implements InstanceHandle {
    private static final System.Logger LOG = System.getLogger(ProcessInstance.class.getName());

    private final String instanceId;
    private final Process process;
    private final int port;
    private final OutputCapture output;
    private final CompletableFuture<Integer> exit;
    private volatile boolean exceededRam;
    private final AtomicBoolean background;

    /**
     * @param leftovers run once the process has exited, before anything else: ends what it left
     *     running, which would hold its output pipes and its memory cgroup
     * @param background whether it was started under {@code nice} ({@link ProcessRuntime#BACKGROUND_NICE})
     */
    ProcessInstance(
            String instanceId,
            Process process,
            int port,
            OutputCapture output,
            MemoryLimits.Limit ram,
            Runnable leftovers,
            boolean background) {
        this.instanceId = instanceId;
        this.background = new AtomicBoolean(background);
        this.process = process;
        this.port = port;
        this.output = output;
        this.exit = process.onExit()
                .thenApply(exited -> {
                    leftovers.run();
                    return exited;
                })
                .thenCompose(exited -> output.endedAfterExit().thenApply(read -> exited))
                .thenApply(exited -> {
                    exceededRam = ram.exceeded();
                    ram.remove();
                    return exited.exitValue();
                });
    }

    Process process() {
        return process;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public CompletableFuture<Void> servingAnnounced() {
        return output.servingAnnounced();
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void stop(Duration drain) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM: the runtime drains in-flight calls and exits
        CompletableFuture.delayedExecutor(drain.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (process.isAlive()) {
                        process.destroyForcibly(); // SIGKILL
                    }
                });
    }

    /**
     * Renices every thread of the process to 0 ({@code renice} of the pid alone would reach only its
     * main thread: Linux keeps a nice value per thread), off the caller's thread.
     */
    @Override
    public void foreground() {
        if (!background.compareAndSet(true, false)) {
            return;
        }
        Thread.ofVirtual().name("lever-renice-" + instanceId).start(() -> reniceToNormal(process.pid(), toString()));
    }

    /**
     * Renices every thread of process {@code pid} to 0 (blocking; {@code renice} of the pid alone would
     * reach only its main thread: Linux keeps a nice value per thread). A thread that ends meanwhile
     * makes renice fail for it alone; the others are reniced.
     */
    static void reniceToNormal(long pid, String what) {
        List<String> command = new ArrayList<>(List.of(ProcessRuntime.RENICE.toString(), "--priority", "0", "-p"));
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            threads.forEach(thread -> command.add(thread.getFileName().toString()));
            int code = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
            if (code != 0 && Files.exists(Path.of("/proc", Long.toString(pid)))) {
                LOG.log(
                        Level.WARNING,
                        "{0}: renice exited with {1}; some of its threads may keep their background" + " priority",
                        what,
                        code);
            }
        } catch (IOException e) {
            // it exited meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean exceededRam() {
        return exceededRam;
    }

    @Override
    public List<String> lastOutput() {
        return output.lastLines();
    }

    @Override
    public String toString() {
        return "instance " + instanceId + " (pid " + process.pid() + ", port " + port + ")";
    }
}
