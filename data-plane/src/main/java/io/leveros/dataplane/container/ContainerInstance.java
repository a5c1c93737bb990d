package io.leveros.dataplane.container;

import com.github.dockerjava.api.DockerClient;
import io.leveros.dataplane.instance.InstanceHandle;
import io.leveros.dataplane.instance.OutputCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** An instance running in a Docker container. */
final class ContainerInstance implements InstanceHandle {
    private final String instanceId;
    private final String containerId;
    private final long pid;
    private final int port;
    private final DockerClient docker;
    private final OutputCapture output;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean exceededRam;

    ContainerInstance(
            String instanceId, String containerId, long pid, int port, DockerClient docker, OutputCapture output) {
        this.instanceId = instanceId;
        this.containerId = containerId;
        this.pid = pid;
        this.port = port;
        this.docker = docker;
        this.output = output;
    }

    String containerId() {
        return containerId;
    }

    /** The container has exited: {@code oomKilled} as the engine tells. */
    void exited(int code, boolean oomKilled) {
        exceededRam = oomKilled;
        exit.complete(code);
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    /** The container's first process as the node sees it (the runtime: containers run no init). */
    @Override
    public long pid() {
        return pid;
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

    /**
     * The engine's stop: SIGTERM, then SIGKILL after {@code drain}. The call blocks for as long as the
     * container takes, so it runs on a virtual thread.
     */
    @Override
    public void stop(Duration drain) {
        if (exit.isDone() || !stopping.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("stop " + instanceId).start(() -> {
            try {
                docker.stopContainerCmd(containerId)
                        .withTimeout((int) Math.max(0, Math.ceil(drain.toMillis() / 1000.0)))
                        .exec();
            } catch (RuntimeException e) {
                // gone already (NotModified, NotFound); the exit watch removes what is left
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
        return "instance " + instanceId + " (container " + containerId.substring(0, 12) + ", port " + port + ")";
    }
}
