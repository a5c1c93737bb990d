package io.leveros.dataplane.instance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An instance running as an OS process. */
final class ProcessInstance implements InstanceHandle {
    private final String instanceId;
    private final Process process;
    private final int port;
    private final OutputCapture output;
    private final CompletableFuture<Integer> exit;
    private volatile boolean exceededRam;

    /**
     * @param leftovers run once the process has exited, before anything else: ends what it left
     *     running, which would hold its output pipes and its memory cgroup
     */
    ProcessInstance(
            String instanceId,
            Process process,
            int port,
            OutputCapture output,
            MemoryLimits.Limit ram,
            Runnable leftovers) {
        this.instanceId = instanceId;
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
